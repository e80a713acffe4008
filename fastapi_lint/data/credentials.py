"""Field names that hold credentials (FAPI221: a response model must not carry them).

Names are compared after normalising: camelCase split into snake_case, lower case
(``hashedPassword`` is ``hashed_password``). ``access_token``/``refresh_token``/``token``
are absent on purpose: a token response is the documented OAuth2 shape.
"""

from __future__ import annotations

# A stored password hash: no client ever needs it (flagged in every response model).
PASSWORD_HASH_FIELDS = frozenset({
    "hashed_password", "password_hash", "password_hashed", "passwordhash", "hashed_pw", "pw_hash",
    "pass_hash", "encrypted_password", "password_digest", "password_salt",
})

# A plain password: flagged when the response echoes the request model that carried it
# (FastAPI's documented mistake); a password vault or connection API may return one on purpose.
PASSWORD_FIELDS = frozenset({
    "password", "passwd", "user_password", "current_password", "old_password", "new_password",
    "password_repeat", "password_confirm", "confirm_password", "password_confirmation",
})

# Secrets and private keys: what signs, decrypts or authenticates on the owner's behalf.
# Flagged when read back (GET/HEAD): creating a key or a webhook returns its secret once, on purpose.
SECRET_FIELDS = frozenset({
    "secret", "secret_key", "client_secret", "api_secret", "app_secret", "jwt_secret", "webhook_secret",
    "signing_secret", "signing_key", "otp_secret", "totp_secret", "mfa_secret", "two_factor_secret",
    "secret_access_key", "aws_secret_access_key", "private_key", "encryption_key",
    "api_key", "apikey",
})
