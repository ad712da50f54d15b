"""The `borderwatch` command: worker, broker, publishing, alerts, schemas and the demo."""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

import click

from config import Settings


def configure_logging(level: str) -> None:
    """One logger setup for every command; personal data is only ever logged at DEBUG."""
    logging.basicConfig(
        level=getattr(logging, level),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


@click.group()
def cli() -> None:
    """borderwatch: real-time border-crossing alerts against fugitive watchlists."""


@cli.command()
def worker() -> None:
    """Run a worker: match crossings against the watchlist, produce alerts."""
    from faust.worker import Worker as FaustWorker

    from streams.app import Worker
    from streams.kafka import ensure_topics, use_event_loop
    from streams.metrics import WorkerMetrics

    settings = Settings()
    configure_logging(settings.log_level)
    ensure_topics(settings)
    use_event_loop(settings)
    metrics = WorkerMetrics()
    metrics.serve(settings.metrics_port)  # (seen, not ready, while a snapshot loads)
    if settings.metrics_port:
        logging.getLogger("borderwatch").info(
            "metrics on http://127.0.0.1:%d/metrics", settings.metrics_port
        )
    loaded = None
    if settings.snapshot_path is not None:
        from streams.snapshot import load

        loaded = load(settings)
    if loaded is None:
        bw = Worker(settings, metrics=metrics)
    else:
        metrics.snapshot_written.set(loaded.header.written_at)
        bw = Worker(settings, loaded.watchlist, loaded.header.feed, metrics=metrics)
    FaustWorker(bw.app, loglevel=settings.log_level.lower(), quiet=True).execute_from_commandline()


@cli.command(name="snapshot")
@click.option(
    "--path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write it [default: BORDERWATCH_SNAPSHOT_PATH].",
)
def snapshot_command(path: Path | None) -> None:
    """Write a snapshot of the watchlist index for workers to start from (from the last
    snapshot on, if it can be used): run it on a schedule, under snapshot_max_age_h."""
    from streams.kafka import ensure_topics
    from streams.snapshot import snapshot

    settings = Settings()
    configure_logging(settings.log_level)
    path = path or settings.snapshot_path
    if path is None:
        raise click.UsageError("give --path, or set BORDERWATCH_SNAPSHOT_PATH")
    ensure_topics(settings)
    started = time.perf_counter()
    header, resumed = snapshot(settings, path)
    offsets = ", ".join(f"{p}:{o}" for p, o in sorted(header.feed.offsets.items())) or "none"
    click.echo(
        f"snapshot of {header.entries} entries written to {path} in "
        f"{time.perf_counter() - started:.1f} s ({'from the last one' if resumed else 'afresh'}; "
        f"offsets {offsets})"
    )


@cli.command(name="compile")
def compile_command() -> None:
    """Compile the matcher's kernels into numba's cache (a worker does it as it starts)."""
    from matchers.warmup import compile_kernels

    started = time.perf_counter()
    names = compile_kernels()
    click.echo(f"{len(names)} kernels compiled or loaded in {time.perf_counter() - started:.1f} s")


@cli.command()
@click.option(
    "--agency",
    default=None,
    help="Show this agency's alerts (alerts.<AGENCY>); without it, the coordination centre's.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=int, default=None, help="Port [default: BORDERWATCH_CONSOLE_PORT].")
def console(agency: str | None, host: str, port: int | None) -> None:
    """The watch officer's live alert console, in a browser."""
    from streams.console import run_console

    settings = Settings()
    configure_logging(settings.log_level)
    run_console(settings, agency, host=host, port=port)


@cli.command()
@click.option("--port", type=int, default=None, help="Port to listen on (default: setting).")
def broker(port: int | None) -> None:
    """Run the embedded Kafka-compatible broker (memory storage) until interrupted."""
    from streams.broker import EmbeddedBroker

    settings = Settings()
    b = EmbeddedBroker(port=port if port is not None else settings.embedded_broker_port).start()
    click.echo(f"embedded broker listening on {b.bootstrap_servers}")
    click.echo(f"export BORDERWATCH_BOOTSTRAP_SERVERS={b.bootstrap_servers}")
    try:
        b.wait()
    except KeyboardInterrupt:
        b.stop()


@cli.group()
def watchlist() -> None:
    """Manage the shared watchlist topic."""


@watchlist.command("load")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", default=None, help="Force the file format.")
def watchlist_load(path: Path, fmt: str | None) -> None:
    """Publish the entries of a watchlist file (bad records are reported and skipped)."""
    from streams.kafka import ensure_topics, producing
    from streams.publish import send_entries
    from watchlists import LoadError, load
    from watchlists.loaders import RecordError

    settings = Settings()
    configure_logging(settings.log_level)
    errors: list[RecordError] = []
    try:
        entries = load(path, fmt, on_error=errors.append)
        ensure_topics(settings)
        with producing(settings) as producer:
            counts = send_entries(producer, settings, entries)
    except LoadError as exc:
        raise click.ClickException(str(exc)) from exc
    for error in errors:
        click.echo(f"skipped: {error}", err=True)
    total = sum(counts.values())
    per_list = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "none"
    click.echo(f"published {total} entries ({per_list}); skipped {len(errors)} bad records")


@watchlist.command("sync")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--list-id", required=True, help="The list this file is the whole of.")
@click.option("--format", "fmt", default=None, help="Force the file format.")
@click.option("--force", is_flag=True, help="Remove entries even if the file had bad records.")
@click.option("--dry-run", is_flag=True, help="Show the difference, publish nothing.")
def watchlist_sync(path: Path, list_id: str, fmt: str | None, force: bool, dry_run: bool) -> None:
    """Publish only what differs between the topic and a list file (tombstones for removals)."""
    from streams.kafka import ensure_topics, producing
    from streams.publish import send_entries, send_removal
    from streams.watchlist_topic import read_watchlist
    from watchlists import LoadError, load
    from watchlists.loaders import RecordError
    from watchlists.sync import SyncError, plan_sync

    settings = Settings()
    configure_logging(settings.log_level)
    errors: list[RecordError] = []
    ensure_topics(settings)
    current = {
        entry_id: stored.version
        for entry_id, stored in read_watchlist(settings).items()
        if stored.entry.list_id == list_id
    }
    try:
        desired = list(load(path, fmt, on_error=errors.append))
        plan = plan_sync(list_id, current, desired, had_errors=bool(errors) and not force)
    except (LoadError, SyncError) as exc:
        raise click.ClickException(str(exc)) from exc
    for error in errors:
        click.echo(f"skipped: {error}", err=True)
    if not dry_run:
        with producing(settings) as producer:
            send_entries(producer, settings, plan.upserts)
            for entry_id in plan.removed:
                send_removal(producer, settings, entry_id)
    click.echo(f"{'would sync' if dry_run else 'synced'} {list_id}: {plan.summary()}")


@watchlist.command("stats")
def watchlist_stats() -> None:
    """Entries per list on the watchlist topic, and each list's last update."""
    from streams.watchlist_topic import list_stats, read_watchlist

    settings = Settings()
    stats = list_stats(read_watchlist(settings))
    click.echo(f"{'list':<24} {'entries':>9}  last update (UTC)")
    for row in stats:
        click.echo(f"{row.list_id:<24} {row.entries:>9}  {row.last_update:%Y-%m-%d %H:%M:%S}")
    click.echo(f"{'total':<24} {sum(r.entries for r in stats):>9}")


@watchlist.command("remove")
@click.argument("entry_ids", nargs=-1, required=True)
def watchlist_remove(entry_ids: tuple[str, ...]) -> None:
    """Remove entries from every worker (tombstones on the watchlist topic)."""
    from streams.kafka import producing
    from streams.publish import send_removal

    settings = Settings()
    with producing(settings) as producer:
        for entry_id in entry_ids:
            send_removal(producer, settings, entry_id)
    click.echo(f"removed {len(entry_ids)} entries")


@cli.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def publish(path: Path) -> None:
    """Publish crossing events from a JSON Lines or CSV file."""
    from streams.kafka import ensure_topics, producing
    from streams.publish import read_crossings, send_crossings

    settings = Settings()
    configure_logging(settings.log_level)
    ensure_topics(settings)
    try:
        with producing(settings) as producer:
            count = send_crossings(producer, settings, read_crossings(path))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"published {count} crossings to {settings.topic_crossings}")


@cli.group()
def alerts() -> None:
    """Read the alerts topic."""


@alerts.command("tail")
@click.option("--json", "as_json", is_flag=True, help="One alert JSON per line.")
@click.option("--from-beginning", is_flag=True, help="Start at the oldest alert kept.")
@click.option("--max", "max_count", type=int, default=None, help="Stop after N alerts.")
@click.option("--timeout", type=float, default=None, help="Stop after S seconds of silence.")
@click.option("--agency", default=None, help="Only crossings reported by this agency.")
@click.option("--band", default=None, help="Only this band (confirmed, probable, possible).")
@click.option("--list", "list_id", default=None, help="Only entries of this list.")
def alerts_tail(
    as_json: bool,
    from_beginning: bool,
    max_count: int | None,
    timeout: float | None,
    agency: str | None,
    band: str | None,
    list_id: str | None,
) -> None:
    """Print alerts as they arrive."""
    from streams.events import Alert
    from streams.kafka import consumer
    from streams.render import render_alert

    settings = Settings()
    c = consumer(
        settings,
        settings.topic_alerts,
        auto_offset_reset="earliest" if from_beginning else "latest",
        consumer_timeout_ms=int(timeout * 1000) if timeout else float("inf"),
    )
    seen = 0
    try:
        for record in c:
            alert = Alert.model_validate_json(record.value)
            if agency and alert.event.agency != agency:
                continue
            if band and alert.band.value != band:
                continue
            if list_id and alert.entry.list_id != list_id:
                continue
            click.echo(record.value.decode() if as_json else render_alert(alert))
            seen += 1
            if max_count is not None and seen >= max_count:
                break
    except KeyboardInterrupt:
        pass
    finally:
        c.close()


@alerts.command("ack")
@click.argument("alert_id")
@click.option(
    "--as",
    "kind",
    required=True,
    type=click.Choice(["confirmed", "false_positive", "escalated"]),
    help="The decision.",
)
@click.option("--by", "officer", required=True, help="Who decides.")
@click.option("--note", default="", help="Why.")
@click.option("--agency", default=None, help="The officer's agency.")
@click.option("--timeout", type=float, default=30.0, help="Seconds to look for the alert.")
def alerts_ack(
    alert_id: str, kind: str, officer: str, note: str, agency: str | None, timeout: float
) -> None:
    """Record a decision on an alert (the dispositions topic is the audit trail)."""
    from streams.dispositions import find_alert, record_disposition

    settings = Settings()
    alert = find_alert(settings, alert_id, timeout)
    if alert is None:
        raise click.ClickException(f"no alert {alert_id} on {settings.topic_alerts}")
    record_disposition(settings, alert, kind, officer, note, agency)
    click.echo(f"recorded {kind} for alert {alert_id} ({alert.entry.entry_id}) by {officer}")


@cli.command()
@click.argument(
    "name", required=False, type=click.Choice(["crossing", "watchlist-entry", "alert", "identity"])
)
def schema(name: str | None) -> None:
    """Print the JSON Schema of the messages (all of them, or one)."""
    from matchers import Identity
    from streams.events import Alert, CrossingEvent
    from watchlists import WatchlistEntry

    models: dict[str, Any] = {
        "crossing": CrossingEvent,
        "watchlist-entry": WatchlistEntry,
        "alert": Alert,
        "identity": Identity,
    }
    if name:
        click.echo(json.dumps(models[name].model_json_schema(), indent=2, ensure_ascii=False))
        return
    out = {key: model.model_json_schema() for key, model in models.items()}
    click.echo(json.dumps(out, indent=2, ensure_ascii=False))


@cli.command()
@click.option(
    "--events", "n_events", type=int, default=3000, show_default=True, help="Crossings to simulate."
)
@click.option(
    "--rate", type=float, default=500.0, show_default=True, help="Crossings per second offered."
)
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("--quiet", is_flag=True, help="Do not print each alert.")
@click.option(
    "--keep-running/--no-keep-running",
    default=None,
    help="Keep broker, worker and console up after the summary [default: on a terminal].",
)
def demo(n_events: int, rate: float, seed: int, quiet: bool, keep_running: bool | None) -> None:
    """Broker, worker, console, the UN list and a simulated day of ASEAN and Korean crossings."""
    from streams.demo import DemoSummary, run_demo

    settings = Settings()
    configure_logging("WARNING")
    started = time.monotonic()
    if keep_running is None:
        keep_running = sys.stdin.isatty() and sys.stdout.isatty()

    def hold(summary: DemoSummary) -> None:
        click.echo(summary.render(time.monotonic() - started))
        click.echo(
            f"\nOpen {summary.console_url} to review the alerts, their trails and record "
            "decisions. Ctrl-C stops the demo."
        )
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            pass

    summary = run_demo(
        settings,
        n_events=n_events,
        rate=rate,
        seed=seed,
        echo=None if quiet else click.echo,
        hold=hold if keep_running else None,
    )
    if not keep_running:
        click.echo(summary.render(time.monotonic() - started))
    if summary.missed:
        sys.exit(1)


_PASS_THROUGH = {"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []}


def _run_bench(module: str, args: list[str]) -> None:
    """Run a benchmark of the repository's `bench/` (it reads ../shared/data beside it)."""
    import importlib

    try:
        entry = importlib.import_module(f"bench.{module}")
    except ModuleNotFoundError as exc:
        raise click.ClickException(
            f"bench.{module} is not installed: run from a source checkout (pip install -e .)"
        ) from exc
    sys.exit(entry.main(args))


@cli.command("eval", context_settings=_PASS_THROUGH)
@click.pass_context
def eval_command(ctx: click.Context) -> None:
    """Matching accuracy against nomenklatura LogicV2 and rapidfuzz (see --help)."""
    _run_bench("eval", ctx.args)


@cli.group()
def bench() -> None:
    """Benchmarks: matcher speed, pipeline throughput and latency, chaos, evasion."""


_BENCHMARKS = {
    "matcher": "Matches/s against 10k-1M entries, side by side with exhaustive scoring.",
    "pipeline": "Crossings/s and crossing-to-alert latency of the whole stream vs a pass-through.",
    "chaos": "Kill the worker at random moments and account for every crossing and alert.",
    "evasion": "Disguise listed names the ways an adversary would; how many still alert.",
}


def _bench_command(module: str, summary: str) -> click.Command:
    def run(ctx: click.Context) -> None:
        _run_bench(module, ctx.args)

    return click.Command(
        module, callback=click.pass_context(run), help=summary, context_settings=_PASS_THROUGH
    )


for _module, _summary in _BENCHMARKS.items():
    bench.add_command(_bench_command(_module, _summary))


def main() -> None:
    cli(prog_name="borderwatch")


if __name__ == "__main__":
    main()
