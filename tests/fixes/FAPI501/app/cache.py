import redis.asyncio as redis

client: redis.Redis | None = None


async def open_cache() -> None:
    global client
    client = redis.from_url("redis://cache:6379/0")


async def close_cache() -> None:
    if client is not None:
        await client.aclose()
