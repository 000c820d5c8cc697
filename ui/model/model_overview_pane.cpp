// ModelOverviewPane: summary labels in a QFormLayout above a QCustomPlot of the loss history and
// the samples / neuron-watch tabs, the training record at the right. A QStackedWidget switches
// between the "Open a model" placeholder and the overview page.
// Non-finite losses (a diverged run) are plotted as gaps and ignored when fitting the axes.
#include "model_overview_pane.h"

#include <qcustomplot.h>

#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLocale>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "checkpoint.h"
#include "config.h"
#include "common/plot_palette.h"
#include "kept_checkpoints.h"
#include "sample_timeline.h"
#include "training_record.h"
#include "watch_table.h"

namespace {

QString groupedNumber(qlonglong value) {
  return QLocale(QLocale::English, QLocale::UnitedStates).toString(value);
}

QString durationText(double seconds) {
  const auto total = static_cast<qlonglong>(std::llround(seconds));
  const qlonglong hours = total / 3600;
  const qlonglong minutes = (total % 3600) / 60;
  const qlonglong secs = total % 60;
  if (hours > 0) return QStringLiteral("%1 h %2 min").arg(hours).arg(minutes, 2, 10, QChar('0'));
  if (minutes > 0) return QStringLiteral("%1 min %2 s").arg(minutes).arg(secs, 2, 10, QChar('0'));
  return QStringLiteral("%1 s").arg(secs);
}

// The last finite loss of a history, or NaN.
double latestLoss(const std::vector<cellscope::LossPoint>& history) {
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (std::isfinite(it->loss)) return it->loss;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

void fillGraph(QCPGraph* graph, const std::vector<cellscope::LossPoint>& history) {
  QVector<QCPGraphData> data;
  data.reserve(static_cast<int>(history.size()));
  for (const auto& point : history) {
    const double loss =
        std::isfinite(point.loss) ? point.loss : std::numeric_limits<double>::quiet_NaN();
    data.append(QCPGraphData(static_cast<double>(point.iteration), loss));
  }
  graph->data()->set(data, /*alreadySorted=*/false);
}

struct Extent {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  bool valid() const { return lo <= hi; }
};

}  // namespace

ModelOverviewPane::ModelOverviewPane(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("modelOverviewPane"));

  placeholder_ = new QLabel(tr("Open a model (File → Open Model…)"));
  placeholder_->setObjectName(QStringLiteral("placeholderLabel"));
  placeholder_->setAlignment(Qt::AlignCenter);
  placeholder_->setWordWrap(true);
  QFont hintFont = placeholder_->font();
  hintFont.setPointSizeF(hintFont.pointSizeF() * 1.4);
  placeholder_->setFont(hintFont);
  placeholder_->setForegroundRole(QPalette::PlaceholderText);

  // Left: summary, loss plot, samples and neuron watch; right: every training setting.
  createPlot();
  samples_ = new SampleTimeline;
  connect(samples_, &SampleTimeline::sampleActivated, this, &ModelOverviewPane::sampleActivated);
  watch_ = new WatchTable;
  connect(watch_, &WatchTable::recordChosen, this, &ModelOverviewPane::chooseWatchRecord);
  lowerTabs_ = new QTabWidget;
  lowerTabs_->setObjectName(QStringLiteral("modelLowerTabs"));
  lowerTabs_->addTab(samples_, tr("Samples"));
  lowerTabs_->addTab(watch_, tr("Neuron watch"));
  auto* plotAndLists = new QSplitter(Qt::Vertical);
  plotAndLists->addWidget(plot_);
  plotAndLists->addWidget(lowerTabs_);
  plotAndLists->setStretchFactor(0, 3);
  plotAndLists->setStretchFactor(1, 2);
  auto* left = new QWidget;
  auto* leftLayout = new QVBoxLayout(left);
  leftLayout->setContentsMargins(0, 0, 0, 0);
  leftLayout->addWidget(createSummaryBox());
  leftLayout->addWidget(plotAndLists, /*stretch=*/1);
  record_ = new TrainingRecordBox;
  auto* recordScroll = new QScrollArea;
  recordScroll->setWidget(record_);
  recordScroll->setWidgetResizable(true);
  recordScroll->setFrameShape(QFrame::NoFrame);
  recordScroll->setMinimumWidth(360);
  auto* overview = new QSplitter(Qt::Horizontal);
  overview->addWidget(left);
  overview->addWidget(recordScroll);
  overview->setStretchFactor(0, 3);
  overview->setStretchFactor(1, 1);

  stack_ = new QStackedWidget;
  stack_->addWidget(placeholder_);
  stack_->addWidget(overview);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(stack_);

  clear();
}

QWidget* ModelOverviewPane::createSummaryBox() {
  auto* box = new QGroupBox(tr("Model"));
  auto* form = new QFormLayout(box);
  form->setLabelAlignment(Qt::AlignRight);
  const auto addRow = [form](const QString& label) {
    auto* value = new QLabel;
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(label, value);
    return value;
  };
  fileLabel_ = addRow(tr("File:"));
  cellLabel_ = addRow(tr("Cell:"));
  layersLabel_ = addRow(tr("Layers:"));
  vocabLabel_ = addRow(tr("Vocabulary:"));
  paramsLabel_ = addRow(tr("Parameters:"));
  progressLabel_ = addRow(tr("Trained:"));
  lossLabel_ = addRow(tr("Latest loss:"));
  return box;
}

void ModelOverviewPane::createPlot() {
  plot_ = new QCustomPlot;
  plot_->setObjectName(QStringLiteral("lossPlot"));
  plot_->setMinimumSize(320, 200);
  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  keepFollowingPalette(plot_);

  trainGraph_ = plot_->addGraph();
  trainGraph_->setName(tr("Training loss"));
  trainGraph_->setPen(QPen(QColor(31, 119, 180), 1.5));

  valGraph_ = plot_->addGraph();
  valGraph_->setName(tr("Validation loss"));
  valGraph_->setPen(QPen(QColor(230, 110, 0), 2.0));
  valGraph_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));

  plot_->xAxis->setLabel(tr("Iteration"));
  plot_->yAxis->setLabel(tr("Loss (nats per character)"));
  plot_->legend->setVisible(true);
  plot_->legend->setBrush(QColor(255, 255, 255, 210));
  plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
}

void ModelOverviewPane::setModel(const cellscope::ModelFile& model, const QString& path) {
  const cellscope::ModelConfig& config = model.model;

  const QFileInfo info(path);
  modelPath_ = path.isEmpty() ? QString() : info.absoluteFilePath();
  modelIteration_ = model.progress.iteration;
  fileLabel_->setText(path.isEmpty() ? tr("(not saved)") : info.fileName());
  fileLabel_->setToolTip(path.isEmpty() ? QString() : info.absoluteFilePath());
  cellLabel_->setText(QString::fromStdString(cellscope::to_string(config.cell)).toUpper());
  QString layers = tr("%1 × %2").arg(config.num_layers).arg(config.hidden_size);
  if (config.dropout > 0.0) layers += tr(" (dropout %1)").arg(config.dropout);
  layersLabel_->setText(layers);
  vocabLabel_->setText(tr("%1 characters").arg(groupedNumber(config.vocab_size)));
  paramsLabel_->setText(groupedNumber(static_cast<qlonglong>(model.parameters.size())));

  // The fractional epoch of the last logged point says more than the completed-epoch count.
  const double epoch = model.train_history.empty() ? static_cast<double>(model.progress.epoch)
                                                   : model.train_history.back().epoch;
  QString progress = tr("iteration %1 · epoch %2")
                         .arg(groupedNumber(model.progress.iteration))
                         .arg(epoch, 0, 'f', 2);
  if (model.progress.seconds > 0.0)
    progress += tr(" · %1").arg(durationText(model.progress.seconds));
  progressLabel_->setText(progress);

  const double trainLoss = latestLoss(model.train_history);
  const double valLoss = latestLoss(model.val_history);
  const auto lossText = [](double loss) {
    return std::isfinite(loss) ? QString::number(loss, 'f', 4) : QStringLiteral("—");
  };
  lossLabel_->setText(
      tr("training %1 · validation %2").arg(lossText(trainLoss), lossText(valLoss)));

  fillGraph(trainGraph_, model.train_history);
  fillGraph(valGraph_, model.val_history);

  Extent xs;
  Extent ys;
  for (const auto* history : {&model.train_history, &model.val_history}) {
    for (const auto& point : *history) {
      if (!std::isfinite(point.loss)) continue;
      xs.add(static_cast<double>(point.iteration));
      ys.add(point.loss);
    }
  }
  if (xs.valid()) {
    // Iterations start at 0 on the left; a little room on the right keeps the last marker whole.
    const double lo = std::min(0.0, xs.lo);
    const double hi = std::max(xs.hi, lo + 1.0);
    plot_->xAxis->setRange(lo, hi + 0.02 * (hi - lo));
  } else {
    plot_->xAxis->setRange(0.0, 1.0);
  }
  if (ys.valid()) {
    const double pad = ys.hi > ys.lo ? 0.05 * (ys.hi - ys.lo) : 0.5;
    plot_->yAxis->setRange(ys.lo - pad, ys.hi + pad);
  } else {
    plot_->yAxis->setRange(0.0, 1.0);
  }
  plot_->replot();

  record_->setModel(model);
  samples_->setSamples(model.samples);
  watch_->setRecords(model.watch);
  lowerTabs_->setTabText(0, tr("Samples (%1)").arg(samples_->count()));
  lowerTabs_->setTabText(1, tr("Neuron watch (%1)").arg(watch_->count()));

  hasModel_ = true;
  stack_->setCurrentIndex(1);
}

void ModelOverviewPane::clear() {
  for (QLabel* label : {fileLabel_, cellLabel_, layersLabel_, vocabLabel_, paramsLabel_,
                        progressLabel_, lossLabel_}) {
    label->clear();
    label->setToolTip(QString());
  }
  trainGraph_->data()->clear();
  valGraph_->data()->clear();
  plot_->replot();
  record_->clear();
  samples_->clear();
  watch_->setRecords({});
  modelPath_.clear();
  modelIteration_ = 0;
  hasModel_ = false;
  stack_->setCurrentIndex(0);
}

QString ModelOverviewPane::summaryText() const {
  if (!hasModel_) return placeholder_->text();
  const auto* form = qobject_cast<const QFormLayout*>(fileLabel_->parentWidget()->layout());
  QStringList lines;
  for (int row = 0; row < form->rowCount(); ++row) {
    const auto* name =
        qobject_cast<const QLabel*>(form->itemAt(row, QFormLayout::LabelRole)->widget());
    const auto* value =
        qobject_cast<const QLabel*>(form->itemAt(row, QFormLayout::FieldRole)->widget());
    if (name != nullptr && value != nullptr) lines << name->text() + ' ' + value->text();
  }
  return lines.join('\n');
}

void ModelOverviewPane::chooseWatchRecord(int row, const NeuronSelection& neuron) {
  if (modelPath_.isEmpty()) {
    emit watchNeuronChosen(neuron);
    return;
  }
  // Listed at the click, not at setModel: the run may still be writing checkpoints.
  const cellscope::WatchRecord& record = watch_->record(row);
  const KeptCheckpoint nearest =
      nearestCheckpoint(keptCheckpointsOf(modelPath_, modelIteration_), record.iteration);
  emit watchCheckpointChosen(nearest.path, nearest.iteration, record.iteration, neuron,
                             QString::fromStdString(record.detector));
}
