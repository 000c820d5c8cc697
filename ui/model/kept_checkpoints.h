// Kept checkpoints: the per-iteration files a training run leaves next to its output
// (`train --keep-checkpoints`, the Train tab: "<out stem>.iter<N>.csm", engine/trainer.h's
// checkpoint_file_path), found again from the path of any model of that run — its output or one
// of the kept files — so a neuron-watch record can be opened at the checkpoint nearest to it.
// Iterations come from the file names; only the run's output, when the open model is a kept
// file, is read for its iteration.
#pragma once

#include <QString>
#include <vector>

struct KeptCheckpoint {
  QString path;        // absolute
  qint64 iteration = 0;
};

// The run's kept files beside `modelPath`, ascending by iteration, plus `modelPath` itself at
// `modelIteration` (the model the user has open) and, when that is a kept file, the run's
// output "<stem>.csm" if it is there and readable. Empty when `modelPath` is empty.
std::vector<KeptCheckpoint> keptCheckpointsOf(const QString& modelPath, qint64 modelIteration);

// The checkpoint whose iteration is nearest to `iteration` (on a tie the earlier one, which
// the record's neuron had already been measured on); an empty path when `checkpoints` is empty.
KeptCheckpoint nearestCheckpoint(const std::vector<KeptCheckpoint>& checkpoints, qint64 iteration);
