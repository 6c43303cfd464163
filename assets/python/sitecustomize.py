"""ipcscope's start-up hook: Python imports this module at start-up because
ipcscope puts its folder first on PYTHONPATH (`ipcscope run`). It installs
the instrumentation (`ipcscope_hook`), then runs the `sitecustomize` that
would have run without ipcscope, if there is one, so nothing the program
relies on is lost.
"""

import os
import sys


def _chain():
    """Runs the next `sitecustomize` on sys.path (after this folder)."""
    here = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path if os.path.abspath(p or ".") != here]
    try:
        from importlib.machinery import PathFinder
        from importlib.util import module_from_spec

        spec = PathFinder.find_spec("sitecustomize", rest)
        if spec is None or spec.loader is None:
            return
        module = module_from_spec(spec)
        # Its own name, so the chained module can import itself if it likes.
        sys.modules["_ipcscope_chained_sitecustomize"] = module
        spec.loader.exec_module(module)
    except Exception as e:  # as Python itself does for a broken sitecustomize
        sys.stderr.write(f"Error in sitecustomize; set PYTHONVERBOSE for traceback:\n{type(e).__name__}: {e}\n")


try:
    import ipcscope_hook

    ipcscope_hook.install()
finally:
    _chain()
