"""Template documents the plan_templates tests share (the shape replace_template takes)."""

from datetime import date

START = date(2026, 12, 7)  # 2026-W50, a Monday

# A 4-week block: each week an interval run on Tuesday evening, easy runs on Monday and
# Thursday mornings, a long run on Sunday, and a deadlift (week 3: 4 x 4; week 4: none).
FOUR_WEEKS = {
    "name": "Base block",
    "description": "Four weeks of base",
    "weeks": 4,
    "week_list": [
        {
            "number": number,
            "has_deadlift": number != 4,
            "deadlift_sets": 4 if number == 3 else 3,
            "deadlift_reps": 4 if number == 3 else 3,
            "runs": [
                {
                    "weekday": 0,
                    "start_time": "07:00",
                    "kind": "easy",
                    "duration_minutes": 45,
                    "distance_km": "8",
                },
                {
                    "weekday": 1,
                    "start_time": "18:00",
                    "kind": "interval",
                    "duration_minutes": 60,
                    "distance_km": "10.5",
                },
                {
                    "weekday": 3,
                    "start_time": "07:00",
                    "kind": "easy",
                    "duration_minutes": 45,
                    "distance_km": None,
                },
                {
                    "weekday": 6,
                    "start_time": "09:00",
                    "kind": "long",
                    "duration_minutes": 120,
                    "distance_km": "24",
                },
            ],
        }
        for number in (1, 2, 3, 4)
    ],
}
