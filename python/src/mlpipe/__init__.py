"""Write pipeline stages in Python.

A stage script reads its inputs, parameters and seed from the environment the
engine sets (docs/stage-environment.md) and writes its outputs, step metrics
and final metrics where the engine looks for them::

    from mlpipe import stage

    train = stage.input("train")            # a pyarrow.Table
    lr = stage.params["lr"]
    for step in range(100):
        stage.log(step=step, loss=0.5)      # the stage's history table
    stage.output("preds", table)            # a declared `table` output
    stage.metrics(accuracy=0.98)
"""

from mlpipe._stage import Stage, StageError

__all__ = ["Stage", "StageError", "stage"]
__version__ = "0.1.0"

#: The stage this process runs, read from the environment on first use.
stage = Stage()
