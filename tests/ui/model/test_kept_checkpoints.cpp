// kept_checkpoints.h: a run's "<stem>.iter<N>.csm" files are found from its output or from any
// kept file, other runs' files and odd names are left out, and the nearest to an iteration is
// chosen (the earlier on a tie). Each test writes its own files in its own temp dir.
#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include "checkpoint.h"
#include "model/kept_checkpoints.h"
#include "random_model.h"

namespace {

void touch(const QString& path) {
  QFile file(path);
  ASSERT_TRUE(file.open(QIODevice::WriteOnly)) << path.toStdString();
}

std::vector<qint64> iterations(const std::vector<KeptCheckpoint>& kept) {
  std::vector<qint64> out;
  for (const KeptCheckpoint& k : kept) out.push_back(k.iteration);
  return out;
}

TEST(KeptCheckpoints, FoundFromTheRunsOutputWithoutOtherRunsFiles) {
  QTemporaryDir tmp;
  ASSERT_TRUE(tmp.isValid());
  const QDir dir(tmp.path());
  for (const char* name : {"run.csm", "run.iter250.csm", "run.iter1000.csm", "run.iter4000.csm",
                           "other.iter500.csm", "run.iterX.csm", "run.iter-3.csm",
                           "run2.iter600.csm", "run.iter700.txt"})
    touch(dir.filePath(QLatin1String(name)));
  const auto kept = keptCheckpointsOf(dir.filePath(QStringLiteral("run.csm")), 5000);
  EXPECT_EQ(iterations(kept), (std::vector<qint64>{250, 1000, 4000, 5000}));
  EXPECT_EQ(kept.back().path, QFileInfo(dir.filePath(QStringLiteral("run.csm"))).absoluteFilePath());
  EXPECT_EQ(kept.front().path, dir.absoluteFilePath(QStringLiteral("run.iter250.csm")));

  EXPECT_EQ(nearestCheckpoint(kept, 0).iteration, 250);
  EXPECT_EQ(nearestCheckpoint(kept, 600).iteration, 250);   // 350 away against 400
  EXPECT_EQ(nearestCheckpoint(kept, 625).iteration, 250);   // a tie: the earlier
  EXPECT_EQ(nearestCheckpoint(kept, 2600).iteration, 4000);
  EXPECT_EQ(nearestCheckpoint(kept, 4750).iteration, 5000);
  EXPECT_EQ(nearestCheckpoint(kept, 99999).iteration, 5000);
  EXPECT_TRUE(nearestCheckpoint({}, 10).path.isEmpty());
  EXPECT_TRUE(keptCheckpointsOf(QString(), 10).empty());
}

TEST(KeptCheckpoints, FromAKeptFileTheRunsOutputIsReadForItsIteration) {
  QTemporaryDir tmp;
  ASSERT_TRUE(tmp.isValid());
  const QDir dir(tmp.path());
  cellscope::ModelFile output = ui_test::randomModel(U"ab \n", 4, 1, 3);
  output.progress.iteration = 3000;
  cellscope::save_model_file(QFile::encodeName(dir.filePath(QStringLiteral("run.csm"))).toStdString(),
                             output);
  touch(dir.filePath(QStringLiteral("run.iter500.csm")));
  touch(dir.filePath(QStringLiteral("run.iter1000.csm")));
  const auto kept = keptCheckpointsOf(dir.filePath(QStringLiteral("run.iter500.csm")), 500);
  EXPECT_EQ(iterations(kept), (std::vector<qint64>{500, 1000, 3000}));
  EXPECT_EQ(nearestCheckpoint(kept, 2900).path, dir.absoluteFilePath(QStringLiteral("run.csm")));

  // An unreadable output is left out, not an error.
  QFile::remove(dir.filePath(QStringLiteral("run.csm")));
  touch(dir.filePath(QStringLiteral("run.csm")));
  EXPECT_EQ(iterations(keptCheckpointsOf(dir.filePath(QStringLiteral("run.iter1000.csm")), 1000)),
            (std::vector<qint64>{500, 1000}));
}

}  // namespace
