// A hand-made ModelFile with a training history, for widget tests that show one without
// training: a 2x128 LSTM over 65 characters "trained" for 1000 iterations, `trainPoints`
// training losses every 40 iterations and `valPoints` validation losses every 200.
#pragma once

#include <QImage>
#include <QHash>
#include <algorithm>
#include <cmath>

#include "checkpoint.h"

namespace ui_test {

inline cellscope::ModelFile makeTrainedModel(int trainPoints, int valPoints) {
  cellscope::ModelFile file;
  file.model.cell = cellscope::CellType::kLstm;
  file.model.vocab_size = 65;
  file.model.hidden_size = 128;
  file.model.num_layers = 2;
  for (char32_t cp = U' '; file.vocabulary.size() < 65; ++cp) file.vocabulary.push_back(cp);
  file.parameters.assign(1234, 0.01f);
  file.progress.iteration = 1000;
  file.progress.epoch = 3;
  file.progress.seconds = 125.0;
  for (int i = 0; i < trainPoints; ++i) {
    cellscope::LossPoint point;
    point.iteration = 40 * (i + 1);
    point.epoch = 0.004 * static_cast<double>(point.iteration);
    point.loss = 1.3 + 2.9 * std::exp(-0.15 * i);
    file.train_history.push_back(point);
  }
  for (int i = 0; i < valPoints; ++i) {
    cellscope::LossPoint point;
    point.iteration = 200 * (i + 1);
    point.epoch = 0.004 * static_cast<double>(point.iteration);
    point.loss = 1.5 + 2.0 * std::exp(-0.6 * i);
    file.val_history.push_back(point);
  }
  return file;
}

// Pixels that differ from the image's most common colour (its background).
inline int nonBackgroundPixels(const QImage& image) {
  QHash<QRgb, int> counts;
  for (int y = 0; y < image.height(); ++y) {
    for (int x = 0; x < image.width(); ++x) ++counts[image.pixel(x, y)];
  }
  int most = 0;
  for (auto it = counts.cbegin(); it != counts.cend(); ++it) most = std::max(most, it.value());
  return image.width() * image.height() - most;
}

}  // namespace ui_test
