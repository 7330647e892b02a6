"""Marketing campaigns with a randomised holdout and a planted conversion uplift."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import formatting as fmt
from .calendar import SECONDS_PER_DAY
from .config import PERSONA_INDEX
from .customers import CustomerChunk
from .timing import Calendar, OrderDates

CONVERSION_WINDOW_S = 14 * SECONDS_PER_DAY
CONTROL_SHARE = 0.2
AUDIENCE_SHARE = 0.5
# Personas whose truth forbids extra orders (no orders, exactly one, or stopped).
NO_EXTRA_ORDERS = ("prospect", "one_and_done", "lapsed_regular")


@dataclass(frozen=True)
class Campaign:
    campaign_id: str
    sent_day: int
    channel: str
    uplift: float
    variants: tuple[str, ...]


def plan_campaigns(cal: Calendar) -> list[Campaign]:
    """Six campaigns spread over the span; the third has no effect at all."""
    span = cal.end_day - cal.start_day
    spec = [
        (0.12, "email", 0.05, ("A",)),
        (0.28, "email", 0.08, ("A",)),
        (0.44, "sms", 0.0, ("A",)),
        (0.58, "push", 0.06, ("A", "B")),
        (0.74, "email", 0.04, ("A",)),
        (0.90, "sms", 0.07, ("A",)),
    ]
    return [
        Campaign(f"CMP{i + 1:03d}", cal.start_day + int(f * span), ch, up, var)
        for i, (f, ch, up, var) in enumerate(spec)
    ]


def campaign_truth(campaigns: list[Campaign]) -> pa.Table:
    return pa.table(
        {
            "campaign_id": [c.campaign_id for c in campaigns],
            "planted_conversion_uplift": [f"{c.uplift:.2f}" for c in campaigns],
        }
    )


@dataclass(frozen=True)
class SendChunk:
    table: pa.Table
    extra_orders: OrderDates


def _has_order_in(
    order_key: np.ndarray, cust: np.ndarray, lo_ts: np.ndarray, hi_ts: np.ndarray
) -> np.ndarray:
    """Whether customer `cust` has an order in [lo_ts, hi_ts]; order_key is sorted cust*2^32+ts."""
    base = cust.astype(np.int64) << 32
    left = np.searchsorted(order_key, base + lo_ts, side="left")
    right = np.searchsorted(order_key, base + hi_ts, side="right")
    return right > left


def build_sends(
    rng: np.random.Generator,
    cal: Calendar,
    campaigns: list[Campaign],
    cust: CustomerChunk,
    organic: OrderDates,
    first_send_number: int,
) -> SendChunk:
    mine = organic.cust >= 0
    order_key = np.sort((organic.cust[mine].astype(np.int64) << 32) + organic.ts[mine])
    blocked = np.isin(cust.persona, [PERSONA_INDEX[p] for p in NO_EXTRA_ORDERS])

    parts: list[dict[str, np.ndarray]] = []
    extra_cust: list[np.ndarray] = []
    extra_ts: list[np.ndarray] = []
    for ci, camp in enumerate(campaigns):
        send_base = camp.sent_day * SECONDS_PER_DAY + 8 * 3600
        eligible = cust.opt_in & (cust.signup_ts < send_base)
        who = np.flatnonzero(eligible & (rng.random(len(eligible)) < AUDIENCE_SHARE))
        k = len(who)
        sent = send_base + rng.integers(0, 3 * 3600, k)
        control = rng.random(k) < CONTROL_SHARE
        variant = np.where(control, 0, 1 + rng.integers(0, len(camp.variants), k))
        open_p = {"email": 0.35, "sms": 0.0, "push": 0.22}[camp.channel]
        opened = rng.random(k) < open_p
        opened_at = sent + rng.integers(300, 2 * SECONDS_PER_DAY, k)
        clicked = (opened | (camp.channel == "sms")) & (rng.random(k) < 0.25)
        clicked_at = np.where(opened, opened_at, sent) + rng.integers(30, 3600, k)
        parts.append(
            {
                "cust": who,
                "sent": sent,
                "variant": variant,
                "campaign": np.full(k, ci),
                "opened": opened,
                "opened_at": opened_at,
                "clicked": clicked,
                "clicked_at": clicked_at,
            }
        )

        # Plant the uplift: treated customers who would not have bought anyway
        # get a purchase in the window, so P(convert | treated) - P(convert |
        # control) equals the planted value in expectation.
        treated = ~control
        n_treated = int(treated.sum())
        if camp.uplift <= 0 or n_treated == 0:
            continue
        converted = _has_order_in(order_key, who, sent, sent + CONVERSION_WINDOW_S)
        pool = np.flatnonzero(treated & ~converted & ~blocked[who])
        n_extra = min(int(rng.binomial(n_treated, camp.uplift)), len(pool))
        chosen = rng.choice(pool, n_extra, replace=False) if n_extra else pool[:0]
        chosen.sort()
        extra_cust.append(who[chosen])
        extra_ts.append(
            np.minimum(
                sent[chosen] + rng.integers(3600, CONVERSION_WINDOW_S - 3600, n_extra), cal.end_ts
            )
        )

    cols = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    # Exports list sends per customer, then by time.
    order = np.lexsort((cols["sent"], cols["cust"]))
    cols = {key: v[order] for key, v in cols.items()}
    n = len(order)
    table = pa.table(
        {
            "send_id": fmt.ids("S", np.arange(first_send_number, first_send_number + n), 10),
            "campaign_id": fmt.pick([c.campaign_id for c in campaigns], cols["campaign"]),
            "customer_id": cust.ids.take(pa.array(cols["cust"])),
            "sent_at": fmt.timestamps(cols["sent"]),
            "channel": fmt.pick([c.channel for c in campaigns], cols["campaign"]),
            "variant": fmt.pick(["control", "A", "B"], cols["variant"]),
            "opened_at": fmt.timestamps(cols["opened_at"], null_mask=~cols["opened"]),
            "clicked_at": fmt.timestamps(cols["clicked_at"], null_mask=~cols["clicked"]),
        }
    )
    ec = np.concatenate(extra_cust) if extra_cust else np.zeros(0, dtype=np.int64)
    et = np.concatenate(extra_ts) if extra_ts else np.zeros(0, dtype=np.int64)
    return SendChunk(table, OrderDates(ec.astype(np.int64), et, np.ones(len(ec), dtype=bool)))
