"""Linear learning-rate warmup in front of any training recipe's schedule."""

import glove_lab as gl
from exchange.inventions import Warmup

gl.tag(Warmup, "lr_schedule")  # a warmed-up schedule is still a schedule


@gl.rule("ideas.lr_warmup", on=gl.Match(tag="lr_schedule"))
def lr_warmup(schedule: object, steps: int = 20) -> Warmup:
    """Ramp the learning rate up linearly over the first `steps` steps of the schedule."""
    return Warmup(schedule, steps=steps)
