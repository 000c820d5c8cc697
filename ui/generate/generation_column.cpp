// GenerationColumn: the worker lives on thread_ and is only reached through queued calls;
// want(runId) is the one direct call (an atomic store), so a newer run cancels an older one
// at its next character even while the worker's event loop is busy.
#include "generation_column.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QThread>
#include <QVBoxLayout>
#include <algorithm>
#include <atomic>
#include <cmath>

#include "common/activation_text_view.h"
#include "checkpoint.h"
#include "common/worker_thread.h"

namespace temperature {

double fromSlider(int position) {
  const double t = std::clamp(position, 0, kSteps) / static_cast<double>(kSteps);
  return kMin * std::pow(kMax / kMin, t);
}

int toSlider(double value) {
  if (!(value > 0.0)) return 0;
  const double t = std::log(value / kMin) / std::log(kMax / kMin);
  return std::clamp(static_cast<int>(std::lround(t * kSteps)), 0, kSteps);
}

}  // namespace temperature

namespace {
std::atomic<quint64> nextRunId{0};  // run ids are unique across columns
}

GenerationColumn::GenerationColumn(const QString& objectName, QWidget* parent) : QWidget(parent) {
  setObjectName(objectName);
  slider_ = new QSlider(Qt::Horizontal);
  slider_->setObjectName(QStringLiteral("temperatureSlider"));
  slider_->setRange(0, temperature::kSteps);
  slider_->setPageStep(temperature::kSteps / 20);
  slider_->setToolTip(tr("Sampling temperature, logarithmic from %1 to %2")
                          .arg(temperature::kMin)
                          .arg(temperature::kMax));
  valueLabel_ = new QLabel;
  valueLabel_->setObjectName(QStringLiteral("temperatureLabel"));
  valueLabel_->setMinimumWidth(
      valueLabel_->fontMetrics().horizontalAdvance(QStringLiteral("T = 0.000")));
  view_ = new ActivationTextView;
  exploreButton_ = new QPushButton(tr("Explore"));
  exploreButton_->setObjectName(QStringLiteral("exploreButton"));
  exploreButton_->setToolTip(tr("Open this text in the Explore tab"));
  exploreButton_->setEnabled(false);
  connect(exploreButton_, &QPushButton::clicked, this, [this] {
    if (view_->size() > 0) emit exploreRequested(shownText(), runTemperature_);
  });

  auto* header = new QHBoxLayout;
  header->addWidget(new QLabel(tr("Temperature")));
  header->addWidget(slider_, 1);
  header->addWidget(valueLabel_);
  header->addWidget(exploreButton_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(header);
  layout->addWidget(view_, 1);

  setTemperature(1.0);
  connect(slider_, &QSlider::valueChanged, this, [this] {
    updateTemperatureLabel();
    emit temperatureChanged(temperature());
  });
  connect(view_, &ActivationTextView::characterHovered, this, &GenerationColumn::characterHovered);

  worker_ = new GenerationWorker;
  thread_ = startWorkerThread(this, worker_, objectName + QStringLiteral("Thread"));
  connect(worker_, &GenerationWorker::chunkReady, this, &GenerationColumn::onChunk);
  connect(worker_, &GenerationWorker::finished, this, &GenerationColumn::onFinished);
}

GenerationColumn::~GenerationColumn() {
  worker_->want(0);
  joinWorkerThread(thread_, worker_);
}

double GenerationColumn::temperature() const {
  return temperature::fromSlider(slider_->value());
}

void GenerationColumn::setTemperature(double value) {
  slider_->setValue(temperature::toSlider(value));
  updateTemperatureLabel();
}

void GenerationColumn::updateTemperatureLabel() {
  valueLabel_->setText(tr("T = %1").arg(temperature(), 0, 'f', temperature() < 0.1 ? 3 : 2));
}

void GenerationColumn::setModel(std::shared_ptr<const cellscope::ModelFile> file) {
  cancel();
  GenerationWorker* worker = worker_;
  QMetaObject::invokeMethod(
      worker_, [worker, file] { worker->setModel(file); }, Qt::QueuedConnection);
  view_->clear();
  exploreButton_->setEnabled(false);
  distributions_.clear();
  next_ = CharDistribution();
  primeLength_ = 0;
}

quint64 GenerationColumn::start(GenerationRequest request) {
  request.runId = ++nextRunId;
  request.options.temperature = temperature();
  runTemperature_ = request.options.temperature;
  runId_ = request.runId;
  running_ = true;
  worker_->want(runId_);  // the previous run stops at its next character

  const std::u32string prime = QString::fromStdString(request.prime).toStdU32String();
  primeLength_ = static_cast<int>(prime.size());
  distributions_.clear();
  distributions_.reserve(static_cast<std::size_t>(request.length));
  next_ = CharDistribution();
  largest_ = 0.0f;
  view_->setText(prime);
  exploreButton_->setEnabled(view_->size() > 0);

  GenerationWorker* worker = worker_;
  QMetaObject::invokeMethod(
      worker_, [worker, request] { worker->generate(request); }, Qt::QueuedConnection);
  emit runStarted(runId_);
  return runId_;
}

void GenerationColumn::cancel() {
  worker_->want(0);
  running_ = false;
}

void GenerationColumn::setColorMap(const colormap::ColorMap& map) {
  colorMap_ = map;
  colormap::ColorMap shown = map;
  if (map.range == cellscope::QuantityRange::kUnbounded && largest_ > 0.0f)
    shown.limit = std::max(1.0, std::ceil(2.0 * largest_) / 2.0);
  view_->setColorMap(shown);
}

void GenerationColumn::onChunk(const GenerationChunk& chunk) {
  if (chunk.runId != runId_) return;  // a cancelled run's leftovers
  distributions_.insert(distributions_.end(), chunk.distributions.begin(),
                        chunk.distributions.end());
  next_ = chunk.next;
  if (chunk.first == 0 && chunk.primeActivations.size() == static_cast<std::size_t>(primeLength_) &&
      view_->size() == primeLength_) {
    const std::u32string prime = view_->text();
    view_->setText(prime, chunk.primeActivations);  // colour the prime too
  }
  view_->append(chunk.text, chunk.activations);
  exploreButton_->setEnabled(view_->size() > 0);
  if (colorMap_.range == cellscope::QuantityRange::kUnbounded) {
    for (float v : chunk.primeActivations) largest_ = std::max(largest_, std::abs(v));
    for (float v : chunk.activations) largest_ = std::max(largest_, std::abs(v));
    setColorMap(colorMap_);
  }
  emit textGrew();
}

void GenerationColumn::onFinished(const GenerationSummary& summary) {
  if (summary.runId == runId_) {
    running_ = false;
    summary_ = summary;
  }
  emit runFinished(summary);
}

QString GenerationColumn::generatedText() const {
  const std::u32string& text = view_->text();
  const auto prime = static_cast<std::size_t>(std::min(primeLength_, view_->size()));
  return QString::fromUcs4(text.data() + prime, static_cast<qsizetype>(text.size() - prime));
}

QString GenerationColumn::shownText() const {
  return view_->plainText();
}

const CharDistribution* GenerationColumn::distributionAt(int index) const {
  const int k = index - primeLength_;
  if (k < 0 || k >= static_cast<int>(distributions_.size())) return nullptr;
  return &distributions_[static_cast<std::size_t>(k)];
}
