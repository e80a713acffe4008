from pydantic import BaseModel, field_validator, model_validator


class Signup(BaseModel):
    username: str
    password: str
    confirm: str

    @field_validator("username")
    @classmethod
    def alnum(cls, v: str) -> str:
        # usernames are letters and digits
        assert v.isalnum(), "Username must be alphanumeric"  # from the seed
        assert not v.isdigit()
        assert v and len(v) < 30
        x = v; assert v  # expect: FAPI606
        return v

    @model_validator(mode="after")
    def match(self) -> "Signup":
        assert self.password == self.confirm, (
            "passwords differ"
        )
        return self
