"""The exchange study: four ML ideas applied to three independent team codebases.

- `team_vision`, `team_text`, `team_tabular`: each team's own code (model, recipe, trainer).
- `zoo_vision`, `zoo_text`, `zoo_tabular`: each team's model zoo (variants and configs),
  the study's second scenario.
- `inventions`: the ideas as ordinary library code (layers, a schedule), used both ways.
- `annotations/`: what each team adds once so that rules can find its recipe parts.
- `ideas/`: each idea's rule, written once by its inventor; it applies to every codebase.
- `by_hand/`: the same ideas applied without rules, one edited copy per (codebase, idea),
  for the team modules and for the zoos.
"""
