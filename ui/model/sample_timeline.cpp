// SampleTimeline: rows hold no engine types, only copies (iteration, text), so the model file
// may be dropped after setSamples(). The beginning column shows the first line with visible
// markers for tabs; the preview keeps the text as it is.
#include "sample_timeline.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "checkpoint.h"

SampleTimeline::SampleTimeline(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("sampleTimeline"));
  table_ = new QTableWidget(0, 4);
  table_->setObjectName(QStringLiteral("sampleTable"));
  table_->setHorizontalHeaderLabels(
      {tr("Iteration"), tr("Validation loss"), tr("T"), tr("Sample")});
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->verticalHeader()->setVisible(false);
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setToolTip(tr("Double-click or Enter: explore this sample in the Explore tab"));
  connect(table_, &QTableWidget::itemSelectionChanged, this, &SampleTimeline::showSelected);
  connect(table_, &QAbstractItemView::activated, this,
          [this](const QModelIndex& index) { activate(index.row()); });

  preview_ = new QPlainTextEdit;
  preview_->setObjectName(QStringLiteral("samplePreview"));
  preview_->setReadOnly(true);
  preview_->setFont(QFont(QStringLiteral("DejaVu Sans Mono")));
  exploreButton_ = new QPushButton(tr("Explore"));
  exploreButton_->setObjectName(QStringLiteral("exploreSampleButton"));
  exploreButton_->setToolTip(tr("Colour this sample by a neuron in the Explore tab"));
  exploreButton_->setEnabled(false);
  connect(exploreButton_, &QPushButton::clicked, this, [this] { activate(table_->currentRow()); });
  emptyLabel_ = new QLabel(tr("This model stores no samples (train with --sample-every N)."));
  emptyLabel_->setForegroundRole(QPalette::PlaceholderText);

  auto* bottom = new QWidget;
  auto* bottomLayout = new QVBoxLayout(bottom);
  bottomLayout->setContentsMargins(0, 0, 0, 0);
  bottomLayout->addWidget(preview_, 1);
  auto* buttons = new QHBoxLayout;
  buttons->addStretch(1);
  buttons->addWidget(exploreButton_);
  bottomLayout->addLayout(buttons);
  auto* split = new QSplitter(Qt::Vertical);
  split->addWidget(table_);
  split->addWidget(bottom);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(emptyLabel_);
  layout->addWidget(split, 1);
  clear();
}

void SampleTimeline::setSamples(const std::vector<cellscope::SampleRecord>& samples) {
  table_->clearContents();
  table_->setRowCount(static_cast<int>(samples.size()));
  iterations_.clear();
  texts_.clear();
  for (int row = 0; row < static_cast<int>(samples.size()); ++row) {
    const cellscope::SampleRecord& s = samples[static_cast<std::size_t>(row)];
    const QString text = QString::fromStdString(s.text);
    iterations_.push_back(s.iteration);
    texts_.push_back(text);
    auto* iteration = new QTableWidgetItem;
    iteration->setData(Qt::DisplayRole, static_cast<qlonglong>(s.iteration));
    table_->setItem(row, 0, iteration);
    table_->setItem(row, 1, new QTableWidgetItem(std::isfinite(s.val_loss)
                                                     ? QString::number(s.val_loss, 'f', 3)
                                                     : QStringLiteral("—")));
    table_->setItem(row, 2, new QTableWidgetItem(QString::number(s.temperature, 'g', 3)));
    QString beginning = text.section(QLatin1Char('\n'), 0, 0).left(120);
    beginning.replace(QLatin1Char('\t'), QStringLiteral("→"));
    table_->setItem(row, 3, new QTableWidgetItem(beginning));
  }
  table_->resizeColumnsToContents();
  emptyLabel_->setVisible(samples.empty());
  if (!samples.empty()) table_->selectRow(0);
  showSelected();
}

int SampleTimeline::count() const {
  return static_cast<int>(texts_.size());
}

void SampleTimeline::activate(int row) {
  if (row < 0 || row >= count()) return;
  emit sampleActivated(iterations_[static_cast<std::size_t>(row)],
                       texts_[static_cast<std::size_t>(row)]);
}

void SampleTimeline::showSelected() {
  const int row = table_->currentRow();
  const bool valid = row >= 0 && row < count();
  preview_->setPlainText(valid ? texts_[static_cast<std::size_t>(row)] : QString());
  exploreButton_->setEnabled(valid);
}

void SampleTimeline::clear() {
  setSamples({});
}
