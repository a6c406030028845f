"""The scale layer: variants of a model as code, evaluated here or on an executor (Dask).

`variants(recipe, space)` makes named variants, each an exported session over
a recipe given as code; `run_variants(variants, fn, executor)` rebuilds each
where it runs and returns a pandas-free table of rows. Dask is optional and
only touched when the executor is a dask Client.
"""

from glove_lab.scale._recipe import load_recipe, recipe_name
from glove_lab.scale._run import VariantResult, VariantTable, run_variants
from glove_lab.scale._variants import Application, Variant, Variants, latest, variants
from glove_lab.scale._worker import rebuild, rebuild_and_run

__all__ = [
    "Application", "Variant", "VariantResult", "VariantTable", "Variants", "latest",
    "load_recipe", "rebuild", "rebuild_and_run", "recipe_name", "run_variants", "variants",
]
