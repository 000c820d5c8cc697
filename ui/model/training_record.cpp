// Training record: numbers as the CLI flags spell them (--learning-rate 0.002, --seq-length 50)
// so a row can be read back into a command; k1/k2 are named as in the seed's truncated BPTT.
#include "training_record.h"

#include <QDir>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>

#include "checkpoint.h"
#include "config.h"

namespace {

QString number(double value) {
  return QString::number(value, 'g', 6);
}

QString grouped(qlonglong value) {
  return QLocale(QLocale::English, QLocale::UnitedStates).toString(value);
}

QString cellVariant(const cellscope::ModelConfig& m) {
  using cellscope::CellType;
  switch (m.cell) {
    case CellType::kLstm:
      return QObject::tr("LSTM");
    case CellType::kGru:
      return m.gru_reset_after ? QObject::tr("GRU, reset after the recurrent product (PyTorch's)")
                               : QObject::tr("GRU, reset before the recurrent product");
    case CellType::kRnn:
      return m.rnn_relu ? QObject::tr("vanilla RNN, relu") : QObject::tr("vanilla RNN, tanh");
  }
  return QString();
}

}  // namespace

QList<QPair<QString, QString>> trainingRecordRows(const cellscope::ModelFile& model) {
  const cellscope::TrainConfig& t = model.train;
  const cellscope::ModelConfig& m = model.model;
  QList<QPair<QString, QString>> rows;
  const auto add = [&rows](const QString& label, const QString& value) {
    rows.append({label, value});
  };
  add(QObject::tr("Cell:"), cellVariant(m));
  if (model.train_history.empty() && model.progress.iteration == 0) {
    add(QObject::tr("Training:"),
        QObject::tr("none recorded (an imported or untrained model): the rows below are "
                    "defaults"));
  }
  add(QObject::tr("Optimizer:"), QString::fromStdString(cellscope::to_string(t.optimizer)));
  QString rate = QObject::tr("%1").arg(number(t.learning_rate));
  if (model.progress.learning_rate > 0.0 && model.progress.learning_rate != t.learning_rate)
    rate += QObject::tr(" (now %1)").arg(number(model.progress.learning_rate));
  add(QObject::tr("Learning rate:"), rate);
  add(QObject::tr("Schedule:"),
      t.lr_decay == 1.0 ? QObject::tr("constant")
                        : QObject::tr("× %1 after every epoch past epoch %2")
                              .arg(number(t.lr_decay))
                              .arg(t.lr_decay_after));
  add(QObject::tr("Sequence length:"), QObject::tr("%1 characters").arg(t.seq_length));
  add(QObject::tr("Truncated BPTT:"),
      QObject::tr("k1 = %1 (characters per step), k2 = %2 (steps back)").arg(t.k1()).arg(t.k2()));
  add(QObject::tr("Batch:"), QObject::tr("%1 streams, state %2")
                                 .arg(t.batch_size)
                                 .arg(t.reset_state ? QObject::tr("reset every chunk")
                                                    : QObject::tr("carried across chunks")));
  add(QObject::tr("Dropout:"), m.dropout > 0.0 ? number(m.dropout) : QObject::tr("none"));
  add(QObject::tr("Clipping:"), t.clip_mode == cellscope::ClipMode::kNorm
                                    ? QObject::tr("global norm ≤ %1").arg(number(t.grad_clip))
                                    : QObject::tr("each value to ±%1").arg(number(t.grad_clip)));
  add(QObject::tr("Validation:"),
      t.val_frac > 0.0 ? QObject::tr("last %1% of the corpus, every %2 iterations")
                             .arg(number(t.val_frac * 100.0))
                             .arg(grouped(t.eval_every))
                       : QObject::tr("none"));
  QStringList limits;
  if (t.max_epochs > 0) limits << QObject::tr("%1 epochs").arg(t.max_epochs);
  if (t.max_iters > 0) limits << QObject::tr("%1 iterations").arg(grouped(t.max_iters));
  if (t.max_seconds > 0.0) limits << QObject::tr("%1 s").arg(number(t.max_seconds));
  add(QObject::tr("Stops after:"),
      limits.isEmpty() ? QObject::tr("no limit") : limits.join(QObject::tr(" or ")));
  add(QObject::tr("Checkpoints:"), QObject::tr("every %1 iterations").arg(grouped(t.checkpoint_every)));
  add(QObject::tr("Samples:"),
      t.sample_every > 0 ? QObject::tr("%1 characters at T = %2 every %3 iterations")
                               .arg(t.sample_length)
                               .arg(number(t.sample_temperature))
                               .arg(grouped(t.sample_every))
                         : QObject::tr("none"));
  QStringList corpus;
  for (const std::string& path : model.corpus_paths)
    corpus << QDir::toNativeSeparators(QString::fromStdString(path));
  QString corpusText = corpus.isEmpty() ? QObject::tr("not recorded") : corpus.join(QLatin1Char('\n'));
  if (!corpus.isEmpty() && model.corpus_glob != "*")
    corpusText += QObject::tr(" (files matching %1)").arg(QString::fromStdString(model.corpus_glob));
  add(QObject::tr("Corpus:"), corpusText);
  add(QObject::tr("Seed:"), QString::number(t.seed));
  return rows;
}

TrainingRecordBox::TrainingRecordBox(QWidget* parent) : QGroupBox(tr("Training settings"), parent) {
  setObjectName(QStringLiteral("trainingRecordBox"));
  form_ = new QFormLayout(this);
  form_->setLabelAlignment(Qt::AlignRight);
  form_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
}

void TrainingRecordBox::clear() {
  while (form_->rowCount() > 0) form_->removeRow(0);
}

void TrainingRecordBox::setModel(const cellscope::ModelFile& model) {
  clear();
  for (const auto& [label, value] : trainingRecordRows(model)) {
    auto* field = new QLabel(value);
    field->setTextInteractionFlags(Qt::TextSelectableByMouse);
    field->setWordWrap(true);
    form_->addRow(label, field);
  }
}

QString TrainingRecordBox::text() const {
  QStringList lines;
  for (int row = 0; row < form_->rowCount(); ++row) {
    const auto* name = qobject_cast<const QLabel*>(form_->itemAt(row, QFormLayout::LabelRole)->widget());
    const auto* value = qobject_cast<const QLabel*>(form_->itemAt(row, QFormLayout::FieldRole)->widget());
    if (name != nullptr && value != nullptr) lines << name->text() + QLatin1Char(' ') + value->text();
  }
  return lines.join(QLatin1Char('\n'));
}
