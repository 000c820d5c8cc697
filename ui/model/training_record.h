// Training record: what a .csm file says about how it was trained, as labelled rows for the
// Model tab — cell variant, optimiser, learning rate and schedule, sequence length and k1/k2,
// batch and state, dropout, clipping, validation, limits, cadence, corpus, seed — and the box
// that shows them. A model with no training history (imported, or never trained) says so: its
// TrainConfig holds defaults, not what made it.
#pragma once

#include <QGroupBox>
#include <QList>
#include <QPair>
#include <QString>

class QFormLayout;

namespace cellscope {
struct ModelFile;
}

// (label, value) rows, in display order; labels end with ':'.
QList<QPair<QString, QString>> trainingRecordRows(const cellscope::ModelFile& model);

class TrainingRecordBox : public QGroupBox {
  Q_OBJECT

 public:
  explicit TrainingRecordBox(QWidget* parent = nullptr);

  void setModel(const cellscope::ModelFile& model);
  void clear();
  // "Label: value" lines, as shown (for tests and copying).
  QString text() const;

 private:
  QFormLayout* form_ = nullptr;
};
