"""The `%glove` tests' IPython shell fixture, shared."""

from tests.notebook.test_magics import shell  # noqa: F401 - a fixture
