"""The extraction library's errors (no Django here)."""


class ModelError(RuntimeError):
    """The English pipeline or abide's trained model is missing or is not the pinned one."""
