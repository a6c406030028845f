"""Each team's annotation, written once: what rules need to find in its code.

torch layers need none (`import glove_lab.torch` tags `nn.Conv2d`, `nn.ReLU`, ... for
everyone); only a team's own recipe types do. The tabular team annotates with
decorators in its own module instead.
"""
