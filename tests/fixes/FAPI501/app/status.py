from fastapi import FastAPI

status_app = FastAPI(
    title="Status page"  # no trailing comma
)


@status_app.on_event(event_type="shutdown")
def flush_metrics():
    print("flushing")
