"""The ideas applied without rules: a copy of a team module per (codebase, idea),
edited at every site by hand, the way a team tries an idea on a branch.

`<codebase>_<idea>.py` is `team_<codebase>.py` with one idea applied, and
`zoo_<codebase>_<idea>.py` is `zoo_<codebase>.py` (the team's model zoo) with one idea
applied; the exchange notebook diffs each against its original to count the lines a
person changed.
"""
