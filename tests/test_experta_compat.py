"""experta 1.9.4 pins frozendict 1.2, which needs `collections.Mapping` (gone since Python 3.10)."""

import collections
import importlib.metadata


def test_frozendict_is_the_pinned_old_version():
    # If this fails, experta's pin changed and engine/experta_compat.py may be removable.
    assert importlib.metadata.version("frozendict").startswith("1.")


def test_compat_module_makes_experta_importable():
    from engine.experta_compat import experta

    assert collections.Mapping is collections.abc.Mapping
    assert hasattr(experta, "KnowledgeEngine")


def test_experta_runs_a_rule():
    from engine.experta_compat import experta

    class Engine(experta.KnowledgeEngine):
        @experta.Rule(experta.Fact(id="a", value=1))
        def fired(self):
            self.seen = True

    engine = Engine()
    engine.reset()
    engine.declare(experta.Fact(id="a", value=1))
    engine.run()
    assert engine.seen
