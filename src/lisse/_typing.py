"""Type aliases of lisse's public signatures (for type checkers; nothing here runs heavy imports)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    import pint

#: A physical quantity at the API boundary: a number in SI units, a string with a unit ("0.785 cm2")
#: or a pint quantity (see the README's unit rule).
QuantityLike: TypeAlias = "float | str | pint.Quantity"

__all__ = ["QuantityLike"]
