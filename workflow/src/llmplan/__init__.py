"""llmplan: a planner for compute-optimal training of large language models."""

__version__ = "0.1.0"
