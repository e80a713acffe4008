"""Tasks and offloading in asyncio, AnyIO and Starlette (FAPI107, FAPI108)."""

# The class of an event loop (``asyncio.get_running_loop()`` and friends give one: types.py).
EVENT_LOOP_CLASSES = frozenset({
    "asyncio.AbstractEventLoop", "asyncio.events.AbstractEventLoop",
    "asyncio.BaseEventLoop", "asyncio.base_events.BaseEventLoop",
    "asyncio.SelectorEventLoop", "asyncio.ProactorEventLoop", "uvloop.Loop",
})

# FAPI107: functions that schedule a task the event loop keeps only a weak reference to.
TASK_FUNCTIONS = frozenset({
    "asyncio.create_task", "asyncio.tasks.create_task",
    "asyncio.ensure_future", "asyncio.tasks.ensure_future",
})
TASK_LOOP_METHODS = frozenset({"create_task"})

# FAPI108: functions that run their first argument (a callable) in a worker thread, with the
# arguments that follow it. name -> index of the callable among the positional arguments.
OFFLOAD_FUNCTIONS = {
    "starlette.concurrency.run_in_threadpool": 0,
    "fastapi.concurrency.run_in_threadpool": 0,
    "asyncio.to_thread": 0,
    "asyncio.threads.to_thread": 0,
    "anyio.to_thread.run_sync": 0,
    "anyio.from_thread.run_sync": 0,
}
# loop.run_in_executor(executor, func, *args): the callable is the second argument.
OFFLOAD_LOOP_METHODS = {"run_in_executor": 1}
