"""The notebook layer: `%glove` magics, the GloveWidget and its plain-ipywidgets fallback."""

from glove_lab.notebook._controller import Controller
from glove_lab.notebook._magics import GloveMagics, load_ipython_extension, sessions_of
from glove_lab.notebook._plain import PlainGloveWidget
from glove_lab.notebook._widget import GloveWidget

__all__ = ["Controller", "GloveMagics", "GloveWidget", "PlainGloveWidget",
           "load_ipython_extension", "sessions_of"]
