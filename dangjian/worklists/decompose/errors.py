"""The one error the decomposer raises: a document it cannot or will not read."""


class DecomposeError(ValueError):
    """The document cannot be decomposed; the message says why, in Chinese, for the user."""
