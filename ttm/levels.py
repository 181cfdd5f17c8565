"""The five levels of a Value Code's evaluation statements, below every app: 1 is "barely
acceptable", 5 is "what good looks like" (PRODUCT.md 1)."""

LEVELS = (1, 2, 3, 4, 5)
