import aioredis  # expect: FAPI510
from databases import Database  # expect: FAPI510

database = Database("sqlite:///./app.db")
cache = aioredis.from_url("redis://localhost")
