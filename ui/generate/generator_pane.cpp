// GeneratorPane: controls in a form on top; below, a splitter with the output column(s) and
// the distribution chart. Every control change calls regenerate(); a column's own temperature
// slider restarts just that column. The chart follows the hovered character, else the end of
// the primary text, and is refreshed when a chunk arrives (≤ ~60 times a second).
#include "generator_pane.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>
#include <algorithm>
#include <climits>

#include "common/activation_text_view.h"
#include "checkpoint.h"
#include "distribution_chart.h"
#include "common/neuron_selector.h"
#include "common/worker_model.h"

namespace {

// The prime field's escapes: \n newline, \t tab, \\ backslash.
QString unescapePrime(const QString& typed) {
  QString out;
  for (int i = 0; i < typed.size(); ++i) {
    if (typed[i] != QLatin1Char('\\') || i + 1 == typed.size()) {
      out += typed[i];
      continue;
    }
    const QChar next = typed[++i];
    if (next == QLatin1Char('n')) {
      out += QLatin1Char('\n');
    } else if (next == QLatin1Char('t')) {
      out += QLatin1Char('\t');
    } else if (next == QLatin1Char('\\')) {
      out += QLatin1Char('\\');
    } else {
      out += QLatin1Char('\\');
      out += next;
    }
  }
  return out;
}

QString rateText(double charsPerSecond) {
  return QLocale(QLocale::English, QLocale::UnitedStates)
      .toString(static_cast<qlonglong>(charsPerSecond));
}

}  // namespace

GeneratorPane::GeneratorPane(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("generatorPane"));
  columns_[0] = new GenerationColumn(QStringLiteral("primaryColumn"));
  columns_[1] = new GenerationColumn(QStringLiteral("compareColumn"));
  chart_ = new DistributionChart;

  auto* splitter = new QSplitter(Qt::Horizontal);
  splitter->addWidget(columns_[0]);
  splitter->addWidget(columns_[1]);
  splitter->addWidget(chart_);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 3);
  splitter->setStretchFactor(2, 2);

  statusLabel_ = new QLabel(tr("Open a model to generate text."));
  statusLabel_->setObjectName(QStringLiteral("generatorStatus"));

  auto* layout = new QVBoxLayout(this);
  auto* top = new QHBoxLayout;
  top->addWidget(createControls(), 3);
  top->addWidget(createNeuronControls(), 2);
  layout->addLayout(top);
  layout->addWidget(splitter, 1);
  layout->addWidget(statusLabel_);

  for (int c = 0; c < 2; ++c) {
    GenerationColumn* column = columns_[c];
    connect(column, &GenerationColumn::temperatureChanged, this, [this, column] {
      if (!updating_) restart(column);
    });
    connect(column, &GenerationColumn::textGrew, this, [this, c] {
      if (hoveredIndex_ < 0 || hoveredColumn_ == c) showDistribution();
    });
    connect(column, &GenerationColumn::characterHovered, this,
            [this, c](int index) { onHovered(c, index); });
    connect(column, &GenerationColumn::runFinished, this, &GeneratorPane::onFinished);
    connect(column, &GenerationColumn::exploreRequested, this, &GeneratorPane::exploreRequested);
  }
  applySettings(GeneratorSettings());
}

GeneratorPane::~GeneratorPane() = default;

QWidget* GeneratorPane::createControls() {
  auto* box = new QGroupBox(tr("Generate"));
  auto* form = new QFormLayout(box);
  primeEdit_ = new QLineEdit;
  primeEdit_->setObjectName(QStringLiteral("primeEdit"));
  primeEdit_->setPlaceholderText(tr("Prime text (\\n newline, \\t tab); empty: a newline"));
  form->addRow(tr("Prime:"), primeEdit_);

  lengthSpin_ = new QSpinBox;
  lengthSpin_->setObjectName(QStringLiteral("lengthSpin"));
  lengthSpin_->setRange(1, 100000);
  lengthSpin_->setSingleStep(100);
  seedSpin_ = new QSpinBox;
  seedSpin_->setObjectName(QStringLiteral("seedSpin"));
  seedSpin_->setRange(0, INT_MAX);
  modeCombo_ = new QComboBox;
  modeCombo_->setObjectName(QStringLiteral("modeCombo"));
  modeCombo_->addItems({tr("Sample"), tr("Argmax")});
  topKSpin_ = new QSpinBox;
  topKSpin_->setObjectName(QStringLiteral("topKSpin"));
  topKSpin_->setRange(0, 100000);
  topKSpin_->setSpecialValueText(tr("all"));
  topKSpin_->setToolTip(tr("Draw only from the k most likely characters"));
  for (QSpinBox* spin : {lengthSpin_, seedSpin_, topKSpin_}) spin->setKeyboardTracking(false);
  auto* row = new QHBoxLayout;
  row->addWidget(new QLabel(tr("Length")));
  row->addWidget(lengthSpin_);
  row->addWidget(new QLabel(tr("Seed")));
  row->addWidget(seedSpin_);
  row->addWidget(modeCombo_);
  row->addWidget(new QLabel(tr("Top-k")));
  row->addWidget(topKSpin_);
  row->addStretch(1);
  form->addRow(row);

  compareCheck_ = new QCheckBox(tr("Compare two temperatures"));
  compareCheck_->setObjectName(QStringLiteral("compareCheck"));
  auto* regenerateButton = new QPushButton(tr("Regenerate"));
  copyButton_ = new QPushButton(tr("Copy"));
  saveButton_ = new QPushButton(tr("Save…"));
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(compareCheck_);
  buttons->addStretch(1);
  buttons->addWidget(regenerateButton);
  buttons->addWidget(copyButton_);
  buttons->addWidget(saveButton_);
  form->addRow(buttons);

  const auto changed = [this] {
    if (!updating_) regenerate();
  };
  connect(primeEdit_, &QLineEdit::textEdited, this, changed);
  for (QSpinBox* spin : {lengthSpin_, seedSpin_, topKSpin_})
    connect(spin, &QSpinBox::valueChanged, this, changed);
  connect(modeCombo_, &QComboBox::currentIndexChanged, this, [this, changed] {
    topKSpin_->setEnabled(modeCombo_->currentIndex() == 0);
    changed();
  });
  connect(compareCheck_, &QCheckBox::toggled, this, [this, changed](bool on) {
    columns_[1]->setVisible(on);
    if (!on) columns_[1]->cancel();
    changed();
  });
  connect(regenerateButton, &QPushButton::clicked, this, &GeneratorPane::regenerate);
  connect(copyButton_, &QPushButton::clicked, this, &GeneratorPane::copyText);
  connect(saveButton_, &QPushButton::clicked, this, &GeneratorPane::chooseSaveFile);
  return box;
}

QWidget* GeneratorPane::createNeuronControls() {
  auto* box = new QGroupBox(tr("Colour by neuron"));
  auto* form = new QFormLayout(box);
  selector_ = new NeuronSelector;
  form->addRow(selector_);
  legendLabel_ = new QLabel;
  legendLabel_->setObjectName(QStringLiteral("legendLabel"));
  legendLabel_->setWordWrap(true);
  form->addRow(legendLabel_);

  connect(selector_, &NeuronSelector::changed, this, [this] {
    if (updating_) return;
    updateColorMap();
    emit neuronSelectionChanged(neuronSelection());
    regenerate();  // same seed: the same text, recoloured
  });
  return box;
}

void GeneratorPane::setModel(const cellscope::ModelFile& model) {
  model_ = workerModelFile(model);
  vocabulary_ = model.vocabulary;
  for (GenerationColumn* column : columns_) column->setModel(model_);

  const cellscope::ModelConfig& config = model.model;
  updating_ = true;
  selector_->setModel(config);
  topKSpin_->setMaximum(config.vocab_size);
  updating_ = false;
  updateColorMap();
  regenerate();
}

NeuronSelection GeneratorPane::neuronSelection() const {
  return selector_->selection();
}

void GeneratorPane::setNeuronSelection(const NeuronSelection& selection) {
  selector_->setSelection(selection, /*notify=*/false);
  updateColorMap();
  regenerate();
}

void GeneratorPane::updateColorMap() {
  const NeuronSelection sel = neuronSelection();
  const colormap::ColorMap map = colormap::ColorMap::forQuantity(sel.quantity);
  for (GenerationColumn* column : columns_) column->setColorMap(map);
  const QString what =
      tr("layer %1, neuron %2, %3").arg(sel.layer).arg(sel.neuron).arg(selector_->quantityText());
  switch (map.range) {
    case cellscope::QuantityRange::kUnit:
      legendLabel_->setText(tr("Background: %1 — white 0 … dark blue 1.").arg(what));
      break;
    case cellscope::QuantityRange::kUnbounded:
      legendLabel_->setText(
          tr("Background: %1 — blue negative … white 0 … red positive, clamped to the run's "
             "largest |value|.")
              .arg(what));
      break;
    case cellscope::QuantityRange::kSigned:
      legendLabel_->setText(tr("Background: %1 — blue −1 … white 0 … red +1.").arg(what));
      break;
  }
}

GeneratorSettings GeneratorPane::settings() const {
  GeneratorSettings s;
  s.prime = primeEdit_->text();
  s.length = lengthSpin_->value();
  s.seed = seedSpin_->value();
  s.temperature = columns_[0]->temperature();
  s.compareTemperature = columns_[1]->temperature();
  s.argmax = modeCombo_->currentIndex() == 1;
  s.topK = topKSpin_->value();
  s.compare = compareCheck_->isChecked();
  return s;
}

void GeneratorPane::applySettings(const GeneratorSettings& s) {
  updating_ = true;
  primeEdit_->setText(s.prime);
  lengthSpin_->setValue(s.length);
  seedSpin_->setValue(s.seed);
  columns_[0]->setTemperature(s.temperature);
  columns_[1]->setTemperature(s.compareTemperature);
  modeCombo_->setCurrentIndex(s.argmax ? 1 : 0);
  topKSpin_->setValue(s.topK);
  topKSpin_->setEnabled(!s.argmax);
  compareCheck_->setChecked(s.compare);
  columns_[1]->setVisible(s.compare);
  updating_ = false;
  regenerate();
}

GenerationRequest GeneratorPane::baseRequest() const {
  GenerationRequest request;
  request.prime = unescapePrime(primeEdit_->text()).toStdString();
  request.length = lengthSpin_->value();
  request.options.seed = static_cast<uint64_t>(seedSpin_->value());
  request.options.argmax = modeCombo_->currentIndex() == 1;
  request.options.top_k = topKSpin_->value();
  request.neuron = neuronSelection();
  return request;
}

void GeneratorPane::restart(GenerationColumn* column) {
  if (!model_ || !column->isVisibleTo(this)) return;
  hoveredIndex_ = -1;
  column->start(baseRequest());
  showDistribution();
}

void GeneratorPane::regenerate() {
  for (GenerationColumn* column : columns_) restart(column);
}

void GeneratorPane::onHovered(int column, int index) {
  hoveredColumn_ = column;
  hoveredIndex_ = index;
  showDistribution();
}

void GeneratorPane::showDistribution() {
  if (!model_) {
    chart_->clear();
    return;
  }
  GenerationColumn* column = columns_[hoveredIndex_ >= 0 ? hoveredColumn_ : 0];
  const CharDistribution* drawnFrom =
      hoveredIndex_ >= 0 ? column->distributionAt(hoveredIndex_) : nullptr;
  const QString where = tr("T = %1").arg(column->temperature(), 0, 'f', 2);
  if (drawnFrom != nullptr) {
    const char32_t cp = column->view()->text()[static_cast<std::size_t>(hoveredIndex_)];
    const auto it = std::lower_bound(vocabulary_.begin(), vocabulary_.end(), cp);
    const int id =
        it != vocabulary_.end() && *it == cp ? static_cast<int>(it - vocabulary_.begin()) : -1;
    chart_->setDistribution(*drawnFrom, vocabulary_, id,
                            tr("Character %1 “%2” was drawn from (%3):")
                                .arg(hoveredIndex_ - column->primeLength() + 1)
                                .arg(ActivationTextView::label(cp), where));
    return;
  }
  if (column->nextDistribution().size() == 0) return;  // nothing produced yet
  chart_->setDistribution(column->nextDistribution(), vocabulary_, -1,
                          tr("Next character after the text (%1):").arg(where));
}

void GeneratorPane::onFinished(const GenerationSummary& summary) {
  GenerationColumn* column = columns_[0];
  if (summary.runId != column->currentRunId()) return;
  if (!summary.error.isEmpty()) {
    statusLabel_->setText(tr("Generation failed: %1").arg(summary.error));
    return;
  }
  QString text = tr("%1 characters in %2 ms · %3 chars/s")
                     .arg(summary.characters)
                     .arg(summary.seconds * 1e3, 0, 'f', 0)
                     .arg(rateText(summary.charsPerSecond()));
  if (summary.unknownPrime > 0)
    text += tr(" · %1 prime character(s) unknown to the model").arg(summary.unknownPrime);
  statusLabel_->setText(text);
}

QString GeneratorPane::exportText() const {
  if (!compareCheck_->isChecked()) return columns_[0]->shownText();
  QString out;
  for (GenerationColumn* column : columns_) {
    out += tr("=== temperature %1 ===\n").arg(column->temperature(), 0, 'f', 3);
    out += column->shownText();
    if (!out.endsWith(QLatin1Char('\n'))) out += QLatin1Char('\n');
  }
  return out;
}

void GeneratorPane::copyText() {
  QApplication::clipboard()->setText(exportText());
  statusLabel_->setText(tr("Copied %1 characters.").arg(exportText().size()));
}

bool GeneratorPane::saveText(const QString& path, QString* error) const {
  QSaveFile file(path);
  if (file.open(QIODevice::WriteOnly)) {
    file.write(exportText().toUtf8());
    if (file.commit()) return true;
  }
  if (error != nullptr) *error = tr("Cannot save %1: %2").arg(path, file.errorString());
  return false;
}

void GeneratorPane::chooseSaveFile() {
  const QString path =
      QFileDialog::getSaveFileName(this, tr("Save Generated Text"), QStringLiteral("generated.txt"),
                                   tr("Text files (*.txt);;All files (*)"));
  if (path.isEmpty()) return;
  QString error;
  if (saveText(path, &error)) {
    statusLabel_->setText(tr("Saved %1").arg(QFileInfo(path).fileName()));
  } else {
    QMessageBox::critical(this, tr("Cannot save"), error);
  }
}
