// The training estimates: memory from the model's sizes (see docs/performance.md for the
// terms), and formatting. Nothing here measures or blocks.
#include "training_estimates.h"

#include <QLocale>
#include <cmath>

#include "model.h"

double estimateTrainingBytes(const cellscope::ModelConfig& model,
                             const cellscope::TrainConfig& train, double corpusChars) {
  using cellscope::CellType;
  const double P = static_cast<double>(cellscope::parameter_count(model));
  const double H = model.hidden_size, L = model.num_layers, V = model.vocab_size;
  const double G = model.cell == CellType::kLstm ? 4 : model.cell == CellType::kGru ? 3 : 1;
  double k = model.cell == CellType::kLstm ? 8 : model.cell == CellType::kGru ? 6 : 3;
  if (model.dropout > 0.0) k += 1;
  const double N = static_cast<double>(train.k2()) * train.batch_size;
  const double floats = 4 * P + N * (L * k * H + V + 2 * H + G * H);
  return 4 * floats + corpusChars * (V <= 256 ? 1 : 4);
}

QString formatDuration(double seconds) {
  if (seconds < 0 || !std::isfinite(seconds)) return QStringLiteral("—");
  const auto s = static_cast<qint64>(seconds + 0.5);
  return QStringLiteral("%1:%2:%3")
      .arg(s / 3600)
      .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
      .arg(s % 60, 2, 10, QLatin1Char('0'));
}

QString dataSizeText(double bytes) {
  return QLocale().formattedDataSize(static_cast<qint64>(bytes), 1, QLocale::DataSizeSIFormat);
}
