"""Vision team: its learning-rate schedule is an `lr_schedule` (a step -> factor callable)."""

import glove_lab as gl
from exchange import team_vision

gl.tag(team_vision.CosineSchedule, "lr_schedule")
