"""Orchestration: one pass over customer chunks, appending every table."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..contract import FILE_SUFFIXES, TABLES
from . import faults
from .calendar import to_day
from .campaigns import Campaign, build_sends, campaign_truth, plan_campaigns
from .config import PERSONA_INDEX, PERSONA_NAMES, GeneratorConfig
from .customers import CustomerChunk, build_customers
from .fx import FxRates, build_fx
from .orders import OrderChunk, build_orders
from .products import Catalogue, build_catalogue
from .surveys import build_surveys
from .timing import Calendar, build_calendar, concat, customer_order_dates, guest_order_dates
from .writer import TableWriter

LOCAL_TIME_SHARE = 0.05  # timestamps written as local time with an explicit offset
GUEST_SHARE = 0.10  # of all orders

# Independent random streams, so that e.g. --dirty never changes the clean data.
STREAM_CATALOGUE, STREAM_FX, STREAM_CUSTOMERS, STREAM_ORDERS, STREAM_SENDS = 0, 1, 2, 3, 4
STREAM_SURVEYS, STREAM_FAULTS = 5, 6


def stream(seed: int, chunk: int, purpose: int) -> np.random.Generator:
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(chunk, purpose)))
    )


@dataclass
class Counters:
    order: int = 1
    item: int = 1
    send: int = 1
    response: int = 1


@dataclass
class Outputs:
    writers: dict[str, TableWriter]
    personas: TableWriter
    log: faults.FaultLog = field(default_factory=faults.FaultLog)

    def close(self) -> None:
        for w in (*self.writers.values(), self.personas):
            w.close()


FX_LEAD_DAYS = 7


def _open_outputs(cfg: GeneratorConfig) -> Outputs:
    cfg.out.mkdir(parents=True, exist_ok=True)
    truth = cfg.out / "truth"
    truth.mkdir(exist_ok=True)
    # A table file left by an earlier run in another format would be loaded
    # alongside (or instead of) the new one.
    for table in TABLES:
        for suffix in FILE_SUFFIXES:
            stale = cfg.out / f"{table.name}{suffix}"
            if suffix != f".{cfg.fmt}" and stale.exists():
                stale.unlink()
    writers = {t.name: TableWriter(cfg.out, t.name, t.column_names, cfg.fmt) for t in TABLES}
    personas = TableWriter(truth, "customer_personas", ["customer_id", "persona"], "csv")
    return Outputs(writers, personas)


def _write_reference(
    cfg: GeneratorConfig, cal: Calendar, out: Outputs
) -> tuple[Catalogue, FxRates]:
    catalogue = build_catalogue(stream(cfg.seed, 0, STREAM_CATALOGUE))
    # Rates start a week early: an order written in local time just after
    # midnight on the first day is still the previous day in UTC, and an order
    # with no rate on or before its date would be quarantined (missing_fx_rate).
    fx = build_fx(stream(cfg.seed, 0, STREAM_FX), cal.start_day - FX_LEAD_DAYS, cal.end_day)
    products, fx_table = catalogue.table, fx.table
    if cfg.dirty > 0:
        rng = stream(cfg.seed, 0, STREAM_FAULTS)
        products = faults.dirty_products(rng, products, 0, cfg.dirty, out.log)
        fx_table = faults.dirty_simple(
            rng,
            "fx_rates",
            fx_table,
            0,
            cfg.dirty,
            out.log,
            "rate_to_reporting",
            "unparseable_number",
            faults.comma_numbers,
            pool=faults.fx_pool(fx_table, cal.start_day + 7),
            key=faults.fx_key,
        )
    out.writers["products"].write(products)
    out.writers["fx_rates"].write(fx_table)
    return catalogue, fx


def _chunk(
    cfg: GeneratorConfig,
    cal: Calendar,
    index: int,
    first: int,
    size: int,
    catalogue: Catalogue,
    fx: FxRates,
    campaigns: list[Campaign],
    counters: Counters,
    out: Outputs,
) -> None:
    cust = build_customers(
        stream(cfg.seed, index, STREAM_CUSTOMERS),
        first,
        size,
        cal.start_day,
        cal.end_day,
        LOCAL_TIME_SHARE,
    )
    rng = stream(cfg.seed, index, STREAM_ORDERS)
    organic = customer_order_dates(rng, cal, cust)
    sends = build_sends(
        stream(cfg.seed, index, STREAM_SENDS), cal, campaigns, cust, organic, counters.send
    )
    n_customer_orders = len(organic.ts) + len(sends.extra_orders.ts)
    n_guest = int(rng.binomial(n_customer_orders, GUEST_SHARE / (1 - GUEST_SHARE)))
    dates = concat([organic, sends.extra_orders, guest_order_dates(rng, cal, n_guest)])
    chunk = build_orders(
        rng, cal, cust, dates, catalogue, fx, counters.order, counters.item, LOCAL_TIME_SHARE
    )
    surveys = build_surveys(stream(cfg.seed, index, STREAM_SURVEYS), cal, cust, counters.response)
    counters.order += chunk.orders.num_rows
    counters.item += chunk.items.num_rows
    counters.send += sends.table.num_rows
    counters.response += surveys.num_rows

    tables = {
        "customers": cust.table,
        "orders": chunk.orders,
        "order_items": chunk.items,
        "campaign_sends": sends.table,
        "survey_responses": surveys,
    }
    if cfg.dirty > 0:
        tables = _dirty_chunk(cfg, cal, index, cust, chunk, tables, out)
    for name, table in tables.items():
        out.writers[name].write(table)
    out.personas.write(
        pa.table(
            {
                "customer_id": cust.ids,
                "persona": pa.array(PERSONA_NAMES, pa.string()).take(pa.array(cust.persona)),
            }
        )
    )


def _dirty_chunk(
    cfg: GeneratorConfig,
    cal: Calendar,
    index: int,
    cust: CustomerChunk,
    chunk: OrderChunk,
    tables: dict[str, pa.Table],
    out: Outputs,
) -> dict[str, pa.Table]:
    rng = stream(cfg.seed, index, STREAM_FAULTS)
    rate, log, w = cfg.dirty, out.log, out.writers
    tables["customers"] = faults.dirty_customers(
        rng,
        tables["customers"],
        w["customers"].rows_written,
        rate,
        log,
        cust.persona == PERSONA_INDEX["prospect"],
        cust.persona == PERSONA_INDEX["birthday_treater"],
        cust.signup_ts,
        cust.updated_ts,
        cal.end_ts,
    )
    order_faults = faults.dirty_orders(
        rng, tables["orders"], w["orders"].rows_written, rate, log, chunk.is_guest
    )
    tables["orders"] = order_faults.table
    # Lines of a quarantined order would be collateral orphans: the export drops them.
    keep = ~np.isin(chunk.item_order_pos, order_faults.quarantined_orders)
    items = tables["order_items"].filter(pa.array(keep))
    tables["order_items"] = faults.dirty_order_items(
        rng, items, w["order_items"].rows_written, rate, log
    )
    tables["campaign_sends"] = faults.dirty_simple(
        rng,
        "campaign_sends",
        tables["campaign_sends"],
        w["campaign_sends"].rows_written,
        rate,
        log,
        "sent_at",
        "unparseable_timestamp",
        faults.bad_timestamps_like(rng),
    )
    tables["survey_responses"] = faults.dirty_simple(
        rng,
        "survey_responses",
        tables["survey_responses"],
        w["survey_responses"].rows_written,
        rate,
        log,
        "answer_score",
        "unparseable_number",
        faults.comma_numbers,
    )
    return tables


def generate(cfg: GeneratorConfig, console: Console | None = None) -> None:
    """Write every contract table plus the truth files to cfg.out."""
    cal = build_calendar(to_day(cfg.start_date), to_day(cfg.end_date))
    campaigns = plan_campaigns(cal)
    out = _open_outputs(cfg)
    try:
        catalogue, fx = _write_reference(cfg, cal, out)
        starts = list(range(0, cfg.customers, cfg.chunk_size))
        progress = Progress(
            TextColumn("generating"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("chunks"),
            TimeElapsedColumn(),
            console=console or Console(stderr=True),
            disable=not cfg.show_progress,
        )
        with progress:
            task = progress.add_task("chunks", total=len(starts))
            counters = Counters()
            for index, first in enumerate(starts):
                size = min(cfg.chunk_size, cfg.customers - first)
                _chunk(cfg, cal, index, first + 1, size, catalogue, fx, campaigns, counters, out)
                progress.advance(task)
    finally:
        out.close()
    _write_truth(cfg.out / "truth", campaign_truth(campaigns), out.log)


def _write_truth(truth: Path, campaigns: pa.Table, log: faults.FaultLog) -> None:
    with TableWriter(truth, "campaigns", campaigns.column_names, "csv") as w:
        w.write(campaigns)
    table = log.to_table([t.name for t in TABLES])
    with TableWriter(truth, "injected_faults", table.column_names, "csv") as w:
        w.write(table)
