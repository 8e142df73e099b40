"""The numbers of the coaching advice, in one place.

The advice (seed/deadlift-for-runners.txt): "1x per week (preferably on your 'Hard' day, 6+ hours
before or after your interval run). Volume: Low. 3 to 4 sets. Reps: Low. 3 to 4 reps. Intensity:
High. (Leave 1 rep in the tank, never go to failure on technical lifts)."
"""

from datetime import time, timedelta
from decimal import Decimal

# Kinds and statuses as stored by the Django models (their TextChoices use the same strings).
DEADLIFT = "deadlift"
INTERVAL = "interval"
RUN_KINDS = ("easy", "recovery", "tempo", INTERVAL, "long", "race")

PLANNED = "planned"
DONE = "done"
SKIPPED = "skipped"
SESSION_STATUSES = (PLANNED, DONE, SKIPPED)

# "6+ hours before or after your interval run"
MIN_GAP_FROM_INTERVALS = timedelta(hours=6)

# "Volume: Low. 3 to 4 sets." / "Reps: Low. 3 to 4 reps."
WORKING_SETS_MIN = 3
WORKING_SETS_MAX = 4
WORKING_REPS_MIN = 3
WORKING_REPS_MAX = 4
# "We are not doing sets of 20 reps": from here on a set is cardio, not a heavy pull.
HIGH_REPS = 10

# RIR 0 is a set taken to failure ("never go to failure"); 3 or more left in the tank is not
# "Intensity: High".
FAILURE_RIR = 0
TOO_EASY_RIR = 3
# "Leave 1 rep in the tank"
DEFAULT_TARGET_RIR = 1
DEFAULT_SETS = 3
DEFAULT_REPS = 3

DEFAULT_SESSION_DURATION = timedelta(minutes=60)
DEFAULT_DURATION_MINUTES = 60
SLOT_GRID = timedelta(minutes=15)
# Nothing is scheduled into the past, nor so soon that the athlete cannot get to the gym: the
# earliest start is the first grid slot at least this long after now.
SCHEDULING_LEAD = timedelta(hours=1)
DEFAULT_TRAINING_WINDOW_START = time(6, 0)
DEFAULT_TRAINING_WINDOW_END = time(21, 0)

# "the 42 local days before the week's local Monday": calendar days, so taken from the Monday's
# date, never from an instant (weeks.e1rm_lookback_start); 42 x 24 h is an hour off across DST.
E1RM_LOOKBACK = timedelta(days=42)
EMPTY_BAR_KG = Decimal("20")
DEFAULT_LOAD_INCREMENT_KG = Decimal("2.5")

# (reps, fraction of the working load), lightest first.
WARMUPS: tuple[tuple[int, Decimal], ...] = (
    (5, Decimal("0.40")),
    (3, Decimal("0.60")),
    (2, Decimal("0.80")),
)

# Fraction of 1RM that can be lifted for n reps to failure: the RPE-10 row of the RTS chart.
# Indexed by reps + RIR, so 3 reps at RIR 1 reads n = 4.
RTS_FRACTIONS: dict[int, Decimal] = {
    1: Decimal("1.000"),
    2: Decimal("0.955"),
    3: Decimal("0.922"),
    4: Decimal("0.892"),
    5: Decimal("0.863"),
    6: Decimal("0.837"),
    7: Decimal("0.811"),
    8: Decimal("0.786"),
    9: Decimal("0.762"),
    10: Decimal("0.739"),
    11: Decimal("0.707"),
    12: Decimal("0.680"),
}
MAX_REPS_PLUS_RIR = 12
