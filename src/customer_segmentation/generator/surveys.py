"""Survey answers: NPS and attitude Likerts that echo each persona."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from . import formatting as fmt
from .calendar import SECONDS_PER_DAY
from .config import PERSONA_NAMES
from .customers import CustomerChunk
from .timing import Calendar

RESPONSE_SHARE = 0.3
QUESTIONS = ("nps", "values_sustainability", "price_sensitivity", "quality_focus")
# Mean score per persona: (nps 0-10, sustainability, price sensitivity, quality 1-5).
MEANS: dict[str, tuple[float, float, float, float]] = {
    "loyal_high_spender": (9.0, 3.4, 2.0, 4.5),
    "bargain_hunter": (7.0, 2.8, 4.6, 2.6),
    "holiday_shopper": (7.5, 3.0, 3.2, 3.4),
    "birthday_treater": (8.0, 3.2, 2.8, 3.8),
    "gifter": (8.0, 3.6, 2.9, 3.9),
    "one_and_done": (5.5, 3.0, 3.4, 3.0),
    "lapsed_regular": (3.5, 3.0, 3.5, 3.2),
    "b2b_bulk": (7.0, 2.6, 3.8, 3.3),
    "weekend_browser": (7.5, 3.4, 3.6, 3.0),
    "prospect": (6.5, 3.2, 3.2, 3.2),
}
COMMENTS: dict[int, tuple[str, ...]] = {
    0: ("Delivery was late, twice.", "Refund took weeks", "Too expensive for what it is."),
    1: ("OK, nothing special", "Fine, but shipping costs add up", 'Decent, "meh" packaging'),
    2: ("Love the quality!", "Great gifts, lovely wrapping", "Fast delivery, will buy again"),
}


def build_surveys(
    rng: np.random.Generator, cal: Calendar, cust: CustomerChunk, first_response_number: int
) -> pa.Table:
    n = len(cust.persona)
    respondents = np.flatnonzero(rng.random(n) < RESPONSE_SHARE)
    ask = rng.random((len(respondents), len(QUESTIONS))) < np.array([1.0, 0.8, 0.8, 0.8])
    who, question = np.nonzero(ask)
    cpos = respondents[who]
    means = np.array([MEANS[p] for p in PERSONA_NAMES])[cust.persona[cpos], question]
    spread = np.where(question == 0, 1.3, 0.7)
    lo = np.where(question == 0, 0, 1)
    hi = np.where(question == 0, 10, 5)
    score = np.clip(np.rint(rng.normal(means, spread)), lo, hi).astype(np.int64)

    # One sitting per respondent: all answers share the respondent's timestamp.
    lo_ts = np.maximum(cust.signup_ts[respondents], cal.start_ts)
    when = lo_ts + (rng.random(len(respondents)) * (cal.end_ts - lo_ts)).astype(np.int64)
    responded = when[who]

    bucket = np.where(question == 0, np.select([score <= 6, score <= 8], [0, 1], 2), 1)
    with_text = (question == 0) & (rng.random(len(cpos)) < 0.35)
    comment = rng.integers(0, 3, len(cpos))
    flat = [c for b in (0, 1, 2) for c in COMMENTS[b]]
    text = fmt.null_where(fmt.pick(flat, bucket * 3 + comment), ~with_text)
    m = len(cpos)
    return pa.table(
        {
            "response_id": fmt.ids(
                "R", np.arange(first_response_number, first_response_number + m), 9
            ),
            "customer_id": cust.ids.take(pa.array(cpos)),
            "responded_at": fmt.timestamps(np.minimum(responded, cal.end_ts - SECONDS_PER_DAY)),
            "question_id": fmt.pick(QUESTIONS, question),
            "answer_text": text,
            "answer_score": fmt.integers(score),
        }
    )
