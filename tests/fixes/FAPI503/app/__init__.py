"""Orders API (fix case for FAPI503)."""
