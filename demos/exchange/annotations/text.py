"""Text team: its learning-rate schedule is an `lr_schedule` (a step -> factor callable)."""

import glove_lab as gl
from exchange import team_text

gl.tag(team_text.LinearDecay, "lr_schedule")
