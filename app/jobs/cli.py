import click
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import current_app
from flask.cli import AppGroup

from app.jobs.runner import JOBS, run_job, tick

scheduler_cli = AppGroup("scheduler", help="Scheduled work.")


@scheduler_cli.command("tick")
def tick_command() -> None:
    """Run all due work once and exit."""
    runs = tick()
    for run in runs:
        click.echo(f"{run.name}: {'ok' if run.ok else 'FAILED'} {run.result}")
    if not all(run.ok for run in runs):
        raise SystemExit(1)  # so cron and monitors notice


@scheduler_cli.command("run")
def run_command() -> None:
    """Run the scheduler in the foreground (exactly one such process per deployment)."""
    app = current_app._get_current_object()
    scheduler = BlockingScheduler(timezone="UTC")

    def in_app(job):
        def runner():
            with app.app_context():
                run_job(job)
        return runner

    for job in JOBS:
        scheduler.add_job(in_app(job), "interval", seconds=app.config[job.interval_setting],
                          id=job.name, coalesce=True, max_instances=1)
    click.echo(f"CoopBid scheduler: {', '.join(j.name for j in JOBS)}. Ctrl+C stops it.")
    with app.app_context():
        tick()  # catch up at start, then on the intervals
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
