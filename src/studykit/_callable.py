"""Let ``sk.kwic``, ``sk.formulations`` and ``sk.explore`` be called even when Python has bound the
package attribute to the submodule of the same name (it does so whenever the submodule is imported
directly, e.g. ``from studykit.kwic import KwicResult``)."""

from __future__ import annotations

import sys
import types
from typing import Any


class _CallableModule(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return getattr(self, self.__name__.rpartition(".")[2])(*args, **kwargs)


def make_callable(module_name: str) -> None:
    """Calling the module calls its function of the same name."""
    sys.modules[module_name].__class__ = _CallableModule
