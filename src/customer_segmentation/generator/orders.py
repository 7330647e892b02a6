"""Order headers and lines for one chunk, rendered as contract text tables."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import formatting as fmt
from .calendar import SECONDS_PER_DAY
from .config import COUNTRIES, CURRENCIES, PERSONA_INDEX, PERSONA_NAMES, ZERO_DECIMAL_CURRENCIES
from .customers import CustomerChunk
from .fx import FxRates
from .products import Catalogue
from .timing import Calendar, OrderDates

GUEST = len(PERSONA_NAMES)  # buyer-group index of guest checkouts (last row of taste)
CHANNELS = ("web", "app", "store", "phone", "marketplace")
STATUSES = ("completed", None, "cancelled", "returned", "pending")
PROMO_CODES = (
    "WELCOME10",
    "SPRING15",
    "SUMMER20",
    "BFRIDAY25",
    "XMAS15",
    "LOYAL5",
    "FREESHIP",
    "VIP20",
    "FLASH30",
    "NEWSLETTER10",
)

# Per buyer group (personas in PERSONA_NAMES order, then guest).
_DEFAULT_CHANNEL = (0.55, 0.25, 0.08, 0.02, 0.10)
CHANNEL_P: dict[str, tuple[float, ...]] = {
    "loyal_high_spender": (0.50, 0.36, 0.10, 0.02, 0.02),
    "weekend_browser": (0.08, 0.88, 0.0, 0.0, 0.04),
    "b2b_bulk": (0.08, 0.0, 0.46, 0.46, 0.0),
}
GIFT_P: dict[str, float] = {
    "holiday_shopper": 0.45,
    "gifter": 0.88,
    "birthday_treater": 0.12,
    "b2b_bulk": 0.0,
    "one_and_done": 0.02,
}
PROMO_P: dict[str, float] = {
    "bargain_hunter": 0.88,
    "loyal_high_spender": 0.06,
    "holiday_shopper": 0.25,
    "b2b_bulk": 0.04,
    "weekend_browser": 0.12,
    "one_and_done": 0.04,
}
RETURN_P: dict[str, float] = {
    "weekend_browser": 0.16,
    "bargain_hunter": 0.10,
    "loyal_high_spender": 0.03,
    "b2b_bulk": 0.02,
    # Low for the few-order personas: one return would dominate their return rate.
    "one_and_done": 0.01,
    "birthday_treater": 0.03,
}
# Mean extra lines beyond the first (Poisson, capped at 5 lines).
EXTRA_LINES: dict[str, float] = {
    "loyal_high_spender": 2.2,
    "weekend_browser": 0.15,
    "b2b_bulk": 1.5,
    "holiday_shopper": 1.4,
}


def _group_param(table: dict[str, float], default: float) -> np.ndarray:
    return np.array([table.get(g, default) for g in (*PERSONA_NAMES, "guest")])


@dataclass
class OrderChunk:
    orders: pa.Table
    items: pa.Table
    # Guest orders carry no persona signal, so they are the ones faults corrupt.
    is_guest: np.ndarray
    order_ids: pa.Array
    item_order_pos: np.ndarray  # order position (in orders) of each item row


def _country_forms(rng: np.random.Generator, country: np.ndarray) -> pa.Array:
    draw = rng.random(len(country))
    alpha2 = fmt.pick([c.code for c in COUNTRIES], country)
    alpha3 = fmt.pick([c.alpha3 for c in COUNTRIES], country)
    name = fmt.pick([c.names[0] for c in COUNTRIES], country)
    out = pc.if_else(pa.array(draw >= 0.86), alpha3, alpha2)
    return pc.if_else(pa.array(draw >= 0.92), name, out)


def build_orders(
    rng: np.random.Generator,
    cal: Calendar,
    cust: CustomerChunk,
    dates: OrderDates,
    catalogue: Catalogue,
    fx: FxRates,
    first_order_number: int,
    first_item_number: int,
    local_share: float,
) -> OrderChunk:
    order = np.argsort(dates.ts, kind="stable")
    cpos = dates.cust[order]
    ts = dates.ts[order]
    extra = dates.campaign_extra[order]
    n = len(ts)
    guest = cpos < 0
    group = np.where(guest, GUEST, cust.persona[np.maximum(cpos, 0)])
    guest_country = rng.choice(
        len(COUNTRIES),
        n,
        p=np.array([c.weight for c in COUNTRIES]) / sum(c.weight for c in COUNTRIES),
    )
    country = np.where(guest, guest_country, cust.country[np.maximum(cpos, 0)])

    # Channel: inverse-CDF per row over the group's channel distribution.
    channel_p = np.array([CHANNEL_P.get(g, _DEFAULT_CHANNEL) for g in (*PERSONA_NAMES, "guest")])
    channel_cdf = np.cumsum(channel_p, axis=1)
    channel = np.minimum(
        (rng.random(n)[:, None] > channel_cdf[group]).sum(axis=1), len(CHANNELS) - 1
    )
    is_gift = rng.random(n) < _group_param(GIFT_P, 0.1)[group]
    promo = rng.random(n) < _group_param(PROMO_P, 0.12)[group]
    promo_code = rng.integers(0, len(PROMO_CODES), n)

    day = ts // SECONDS_PER_DAY
    status = np.zeros(n, dtype=np.int64)
    draw = rng.random(n)
    returned = draw < _group_param(RETURN_P, 0.05)[group]
    status[returned] = 3
    status[(draw > 0.96) & ~returned] = 2  # cancelled
    status[(status == 0) & (rng.random(n) < 0.08)] = 1  # blank = completed
    status[(day > cal.end_day - 5) & (status == 0) & (rng.random(n) < 0.6)] = 4
    # Campaign-planted conversions must count as real purchases downstream.
    status[extra & (status > 1)] = 0

    # Currency follows the shipping market; blank means the reporting currency.
    country_currency = np.array([CURRENCIES.index(c.currency) for c in COUNTRIES])
    currency = country_currency[country]
    cur_draw = rng.random(n)
    currency[cur_draw < 0.02] = 0  # explicit USD (cross-border marketplace)
    currency_blank = cur_draw > 0.97
    currency[currency_blank] = 0

    ship_country = np.where(rng.random(n) < 0.03, guest_country, country)
    offsets = np.array([int(c.utc_offset_hours * 3600) for c in COUNTRIES])[country]

    order_numbers = np.arange(first_order_number, first_order_number + n)
    order_ids = fmt.ids("O", order_numbers, 9)
    customer_ids = fmt.null_where(cust.ids.take(pa.array(np.maximum(cpos, 0))), guest)
    orders = pa.table(
        {
            "order_id": order_ids,
            "customer_id": customer_ids,
            "ordered_at": fmt.timestamps(
                ts, offsets, (rng.random(n) < local_share) & (ts < cal.end_ts - SECONDS_PER_DAY)
            ),
            "status": fmt.pick(STATUSES, status),
            "channel": fmt.pick(CHANNELS, channel),
            "currency": fmt.null_where(fmt.pick(CURRENCIES, currency), currency_blank),
            "is_gift": fmt.bools(is_gift),
            "promo_code": fmt.null_where(fmt.pick(PROMO_CODES, promo_code), ~promo),
            "shipping_country": _country_forms(rng, ship_country),
        }
    )

    items, item_order = _build_items(
        rng,
        cal,
        group,
        currency,
        day,
        promo,
        status == 3,
        catalogue,
        fx,
        first_item_number,
        order_ids,
    )
    return OrderChunk(orders, items, guest, order_ids, item_order)


def _build_items(
    rng: np.random.Generator,
    cal: Calendar,
    group: np.ndarray,
    currency: np.ndarray,
    day: np.ndarray,
    promo: np.ndarray,
    returned: np.ndarray,
    catalogue: Catalogue,
    fx: FxRates,
    first_item_number: int,
    order_ids: pa.Array,
) -> tuple[pa.Table, np.ndarray]:
    n_orders = len(group)
    lines = 1 + np.minimum(rng.poisson(_group_param(EXTRA_LINES, 1.3)[group]), 4)
    owner = np.repeat(np.arange(n_orders), lines)
    g = group[owner]
    m = len(owner)

    product = np.empty(m, dtype=np.int64)
    for k in range(catalogue.taste.shape[0]):
        sel = np.flatnonzero(g == k)
        if len(sel):
            product[sel] = rng.choice(catalogue.taste.shape[1], len(sel), p=catalogue.taste[k])

    b2b = g == PERSONA_INDEX["b2b_bulk"]
    qty = np.where(
        b2b,
        rng.integers(10, 101, m),
        1 + (rng.random(m) < 0.18).astype(np.int64) + (rng.random(m) < 0.05).astype(np.int64),
    )
    # Price in the order currency at the day's rate; most lines sell at list price.
    cur = currency[owner]
    usd_per_unit = fx.usd_per_unit[
        cur, np.clip(day[owner] - fx.first_day, 0, fx.usd_per_unit.shape[1] - 1)
    ]
    noise = np.where(rng.random(m) < 0.75, 1.0, rng.uniform(0.9, 1.05, m))
    local = catalogue.price_cents[product] / 100.0 * noise / usd_per_unit
    zero_dec = np.isin(cur, [CURRENCIES.index(c) for c in ZERO_DECIMAL_CURRENCIES])
    unit_cents = np.where(zero_dec, np.rint(local) * 100, np.rint(local * 100)).astype(np.int64)
    unit_cents = np.maximum(unit_cents, 1)

    bargain = g == PERSONA_INDEX["bargain_hunter"]
    pct = np.where(bargain, rng.uniform(0.15, 0.40, m), rng.uniform(0.05, 0.20, m))
    line_promo = promo[owner]
    discount = np.where(line_promo, np.rint(qty * unit_cents * pct), 0).astype(np.int64)
    discount_null = ~line_promo & (rng.random(m) < 0.9)

    # Returned orders get reversal lines: negative quantity at the same price.
    ret = returned[owner] & (rng.random(m) < 0.7)
    first_line = np.r_[True, owner[1:] != owner[:-1]]
    ret |= returned[owner] & first_line
    ret_idx = np.flatnonzero(ret)
    ret_qty = -rng.integers(1, qty[ret_idx] + 1)
    ret_discount = -np.rint(discount[ret_idx] * (-ret_qty) / qty[ret_idx]).astype(np.int64)

    all_owner = np.concatenate([owner, owner[ret_idx]])
    sort = np.lexsort((np.r_[np.zeros(m), np.ones(len(ret_idx))], all_owner))
    all_owner = all_owner[sort]
    all_product = np.concatenate([product, product[ret_idx]])[sort]
    all_qty = np.concatenate([qty, ret_qty])[sort]
    all_unit = np.concatenate([unit_cents, unit_cents[ret_idx]])[sort]
    all_disc = np.concatenate([discount, ret_discount])[sort]
    all_disc_null = np.concatenate([discount_null, discount_null[ret_idx]])[sort]

    total = len(all_owner)
    items = pa.table(
        {
            "order_item_id": fmt.ids(
                "OI", np.arange(first_item_number, first_item_number + total), 10
            ),
            "order_id": order_ids.take(pa.array(all_owner)),
            "product_id": catalogue.product_ids.take(pa.array(all_product)),
            "quantity": fmt.integers(all_qty),
            "unit_price": fmt.money(all_unit),
            "discount_amount": fmt.null_where(fmt.money(all_disc), all_disc_null),
        }
    )
    return items, all_owner
