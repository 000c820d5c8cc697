// The training loop. Invariants: progress_ (iteration, epoch, cursor, learning rate, RNG,
// carried state) plus parameters and optimizer moments are the whole training state, so a run
// of N+M iterations equals N, save, load, M bit for bit (same thread count). Validation and
// samples use their own state and RNG and never disturb it.
#include "trainer.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <sstream>

#include "batcher.h"
#include "error.h"
#include "evaluate.h"
#include "sampler.h"

namespace cellscope {
namespace {

using Clock = std::chrono::steady_clock;

std::string rng_to_string(const std::mt19937_64& rng) {
  std::ostringstream os;
  os << rng;
  return os.str();
}

void rng_from_string(std::mt19937_64& rng, const std::string& s) {
  std::istringstream is(s);
  is >> rng;
  if (!is) throw Error("the saved random generator state is unreadable");
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

std::unique_ptr<Model<float>> model_from_file(const ModelFile& file, const std::string& path) {
  // Compared before the model is built: a file that lies about its size allocates nothing.
  const std::size_t needed = parameter_count(file.model);
  if (file.parameters.size() != needed) {
    throw Error(path + ": the file holds " + std::to_string(file.parameters.size()) +
                " parameters, but its configuration needs " + std::to_string(needed));
  }
  auto model = std::make_unique<Model<float>>(file.model);
  model->params().assign(file.parameters);
  return model;
}

std::string checkpoint_file_path(const std::string& out, int64_t iteration) {
  const std::string ext = ".csm";
  const bool has_ext =
      out.size() > ext.size() && out.compare(out.size() - ext.size(), ext.size(), ext) == 0;
  const std::string stem = has_ext ? out.substr(0, out.size() - ext.size()) : out;
  return stem + ".iter" + std::to_string(iteration) + ext;
}

Trainer::Trainer(const ModelConfig& model, const TrainConfig& train, const Vocabulary& vocab)
    : model_config_(model), train_(train), vocab_(vocab), rng_(train.seed) {
  model_config_.vocab_size = vocab.size();
  model_ = std::make_unique<Model<float>>(model_config_);
  model_->init_params(train.seed);
  optimizer_ = std::make_unique<Optimizer<float>>(train.optimizer, model_->params().size());
  progress_.learning_rate = train.learning_rate;
}

Trainer::Trainer(const ModelFile& file, const TrainConfig& train)
    : model_config_(file.model), train_(train), vocab_(file.vocabulary) {
  model_ = model_from_file(file, "model");
  optimizer_ = std::make_unique<Optimizer<float>>(train.optimizer, model_->params().size());
  if (!file.optimizer_state.empty() && train.optimizer == file.train.optimizer) {
    optimizer_->restore(file.optimizer_state, file.optimizer_steps);
  }
  progress_ = file.progress;
  if (progress_.learning_rate <= 0.0) progress_.learning_rate = train.learning_rate;
  if (progress_.rng_state.empty()) {
    rng_.seed(train.seed);
  } else {
    rng_from_string(rng_, progress_.rng_state);
  }
  train_history_ = file.train_history;
  val_history_ = file.val_history;
  samples_ = file.samples;
  corpus_paths_ = file.corpus_paths;
  corpus_glob_ = file.corpus_glob;
  watch_history_ = file.watch;
  const int B = progress_.carried_batch;
  if (B > 0) {
    const std::size_t H = static_cast<std::size_t>(model_config_.hidden_size);
    const std::size_t per_layer =
        (model_->cell().has_cell_state() ? 2 : 1) * H * static_cast<std::size_t>(B);
    if (progress_.carried_state.size() !=
        per_layer * static_cast<std::size_t>(model_config_.num_layers)) {
      throw Error("model: the saved training state does not fit the model");
    }
    state_ = model_->zero_state(B);
    const float* src = progress_.carried_state.data();
    for (int l = 0; l < model_config_.num_layers; ++l) {
      std::copy(src, src + H * B, state_.h[static_cast<std::size_t>(l)].data());
      src += H * B;
      if (model_->cell().has_cell_state()) {
        std::copy(src, src + H * B, state_.c[static_cast<std::size_t>(l)].data());
        src += H * B;
      }
    }
    has_state_ = true;
  }
}

ModelFile Trainer::to_model_file() const {
  ModelFile f;
  f.model = model_config_;
  f.train = train_;
  f.vocabulary = vocab_.code_points();
  f.parameters = model_->params().to_vector();
  f.optimizer_steps = optimizer_->steps();
  f.optimizer_state = optimizer_->state();
  f.progress = progress_;
  f.progress.rng_state = rng_to_string(rng_);
  f.progress.carried_batch = 0;
  f.progress.carried_state.clear();
  if (has_state_) {
    f.progress.carried_batch = state_.batch();
    for (std::size_t l = 0; l < state_.h.size(); ++l) {
      f.progress.carried_state.insert(f.progress.carried_state.end(), state_.h[l].data(),
                                      state_.h[l].data() + state_.h[l].size());
      if (state_.c[l].size() > 0) {
        f.progress.carried_state.insert(f.progress.carried_state.end(), state_.c[l].data(),
                                        state_.c[l].data() + state_.c[l].size());
      }
    }
  }
  f.train_history = train_history_;
  f.val_history = val_history_;
  f.samples = samples_;
  f.corpus_paths = corpus_paths_;
  f.corpus_glob = corpus_glob_;
  f.watch = watch_history_;
  return f;
}

double Trainer::validate(const EncodedText& val_text) {
  if (val_text.size() < 2) return kNaN;
  return evaluate(*model_, val_text, train_.batch_size, train_.k2()).loss_nats;
}

void Trainer::take_sample(double val_loss, TrainingObserver* observer) {
  Sampler sampler(*model_, vocab_);
  SampleOptions options;
  options.temperature = train_.sample_temperature;
  options.seed = train_.seed ^ (static_cast<uint64_t>(progress_.iteration) * 0x9E3779B97F4A7C15ull);
  SampleRecord record;
  record.iteration = progress_.iteration;
  record.val_loss = val_loss;
  record.temperature = options.temperature;
  record.text = sampler.generate("", train_.sample_length, options);
  samples_.push_back(record);
  if (observer) observer->on_sample(record);
}

// Measures unless every watched detector already has a record at this iteration (a run resumed
// where the last one measured); records only the detectors that have none.
void Trainer::take_watch(TrainingObserver* observer) {
  std::vector<std::string> done;
  for (auto it = watch_history_.rbegin();
       it != watch_history_.rend() && it->iteration == progress_.iteration; ++it) {
    done.push_back(it->detector);
  }
  const auto measured = [&](const std::string& d) {
    return std::find(done.begin(), done.end(), d) != done.end();
  };
  const std::vector<std::string>& watched = watch_->detectors();
  if (std::all_of(watched.begin(), watched.end(), measured)) return;
  const auto t0 = Clock::now();
  WatchEvent event;
  event.iteration = progress_.iteration;
  event.seconds = progress_.seconds;
  for (WatchRecord& r : watch_->measure(*model_, progress_.iteration)) {
    if (!measured(r.detector)) event.records.push_back(std::move(r));
  }
  event.watch_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  watch_history_.insert(watch_history_.end(), event.records.begin(), event.records.end());
  if (observer) observer->on_watch(event);
}

TrainResult Trainer::run(const EncodedText& train_text, const EncodedText& val_text,
                         TrainingObserver* observer, const std::atomic<bool>* cancel,
                         const std::string& checkpoint_path) {
  const Batcher batcher(train_text, train_.batch_size, train_.k1(), train_.k2());
  const int64_t per_epoch = batcher.iterations_per_epoch();
  if (progress_.cursor >= per_epoch) progress_.cursor = 0;  // the text changed size
  const int B = train_.batch_size;
  if (!has_state_ || state_.batch() != B) {
    state_ = model_->zero_state(B);
    has_state_ = true;
  }
  std::vector<int32_t> inputs, targets;
  const auto start = Clock::now();
  const double seconds_before = progress_.seconds;
  double iter_time_ema = 0.0;
  double last_val = val_history_.empty() ? kNaN : val_history_.back().loss;
  int64_t last_checkpoint = -1;
  TrainResult result;
  const int64_t iters_at_start = progress_.iteration;

  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  auto epoch_now = [&] {
    return static_cast<double>(progress_.epoch) +
           static_cast<double>(progress_.cursor) / static_cast<double>(per_epoch);
  };
  kept_.clear();
  // final_checkpoint (the end of the run, with keep_checkpoints_): the output file itself is
  // the newest kept checkpoint; a per-iteration file of the same iteration is a duplicate.
  auto checkpoint = [&](bool final_checkpoint) {
    if (checkpoint_path.empty()) return;
    const ModelFile file = to_model_file();
    save_model_file(checkpoint_path, file);
    last_checkpoint = progress_.iteration;
    CheckpointEvent event;
    event.path = checkpoint_path;
    event.iteration = progress_.iteration;
    event.val_loss = last_val;
    if (keep_checkpoints_) {
      const auto file_of = [&](int64_t iteration) {
        return checkpoint_file_path(checkpoint_path, iteration);
      };
      const auto remove_file = [&](int64_t iteration) {
        std::error_code ignored;  // already gone is fine; the list then names fewer files
        std::filesystem::remove(file_of(iteration), ignored);
        event.removed.push_back(file_of(iteration));
      };
      if (final_checkpoint) {
        event.final = true;
        if (!kept_.empty() && kept_.back().iteration == progress_.iteration) {
          remove_file(progress_.iteration);
          kept_.pop_back();
        }
      } else {
        event.path = file_of(progress_.iteration);
        save_model_file(event.path, file);
      }
      kept_.push_back({progress_.iteration, last_val});
      const std::vector<int64_t> keep =
          checkpoints_to_keep(kept_, train_.checkpoint_every, retention_);
      std::vector<WrittenCheckpoint> still;
      for (const WrittenCheckpoint& w : kept_) {
        const bool newest = w.iteration == progress_.iteration;  // just written: never dropped
        if (newest || std::binary_search(keep.begin(), keep.end(), w.iteration)) {
          still.push_back(w);
        } else {
          remove_file(w.iteration);
        }
      }
      kept_ = std::move(still);
      event.kept = static_cast<int>(kept_.size());
    }
    if (observer) observer->on_checkpoint(event);
  };
  auto watch_unless_done = [&] {  // once per iteration and detector at most
    if (watch_) take_watch(observer);
  };
  watch_unless_done();  // the starting point of the curves
  auto run_validation = [&] {
    last_val = validate(val_text);
    if (std::isnan(last_val)) return;
    LossPoint p{progress_.iteration, epoch_now(), progress_.seconds, last_val};
    val_history_.push_back(p);
    if (observer) observer->on_validation({p.iteration, p.epoch, p.seconds, p.loss});
  };

  while (true) {
    if (cancel && cancel->load(std::memory_order_relaxed)) {
      result.reason = StopReason::kCancelled;
      result.message = "stopped on request";
      break;
    }
    if (train_.max_iters > 0 && progress_.iteration >= train_.max_iters) {
      result.reason = StopReason::kMaxIters;
      result.message = "reached " + std::to_string(train_.max_iters) + " iterations";
      break;
    }
    if (train_.max_epochs > 0 && progress_.epoch >= train_.max_epochs) {
      result.reason = StopReason::kMaxEpochs;
      result.message = "reached " + std::to_string(train_.max_epochs) + " epochs";
      break;
    }
    if (train_.max_seconds > 0 && elapsed() >= train_.max_seconds) {
      result.reason = StopReason::kMaxSeconds;
      result.message = "reached the time limit of " +
                       std::to_string(static_cast<int64_t>(train_.max_seconds)) + " s";
      break;
    }

    const auto t0 = Clock::now();
    if (progress_.cursor == 0 || train_.reset_state) {
      for (auto& h : state_.h) h.setZero();
      for (auto& c : state_.c) c.setZero();
    }
    const ChunkSpec spec = batcher.fill(progress_.cursor, inputs, targets);
    const float loss = model_->forward(inputs.data(), targets.data(), spec, state_, true, &rng_);
    IterationEvent ev;
    if (std::isfinite(loss)) model_->backward(report_dh_norms_ ? &ev.dh_norms : nullptr);
    const double norm =
        std::isfinite(loss) ? global_norm(model_->grads().data(), model_->grads().size()) : kNaN;
    if (!std::isfinite(loss) || !std::isfinite(norm)) {
      result.reason = StopReason::kDiverged;
      std::ostringstream msg;
      msg << "training diverged at iteration " << progress_.iteration + 1 << ": the "
          << (std::isfinite(loss) ? "gradient" : "loss") << " is not finite";
      if (last_checkpoint >= 0 || !checkpoint_path.empty()) {
        msg << "; " << checkpoint_path << " keeps the last good checkpoint";
        if (last_checkpoint >= 0) msg << " (iteration " << last_checkpoint << ")";
      }
      msg << ". Try a lower --learning-rate or a --grad-clip.";
      result.message = msg.str();
      result.iterations = progress_.iteration;
      result.val_loss = last_val;
      if (observer) observer->on_message(result.message);
      return result;  // nothing is written: the state in memory is not trustworthy
    }
    const bool clipped = clip_gradients(model_->grads().data(), model_->grads().size(),
                                        train_.clip_mode, train_.grad_clip, norm);
    optimizer_->step(model_->params().data(), model_->grads().data(), progress_.learning_rate);
    ++progress_.iteration;
    if (++progress_.cursor >= per_epoch) {
      progress_.cursor = 0;
      ++progress_.epoch;
      if (progress_.epoch >= train_.lr_decay_after) progress_.learning_rate *= train_.lr_decay;
    }
    const double dt = std::chrono::duration<double>(Clock::now() - t0).count();
    iter_time_ema = iter_time_ema == 0.0 ? dt : 0.9 * iter_time_ema + 0.1 * dt;
    progress_.seconds = seconds_before + elapsed();
    train_history_.push_back({progress_.iteration, epoch_now(), progress_.seconds, loss});

    ev.iteration = progress_.iteration;
    ev.epoch = epoch_now();
    ev.loss = loss;
    ev.grad_norm = norm;
    ev.clipped = clipped;
    ev.learning_rate = progress_.learning_rate;
    ev.chars_per_sec = static_cast<double>(batcher.chars_per_iteration()) / iter_time_ema;
    ev.seconds = progress_.seconds;
    // ETA and progress: the nearest of the configured stop conditions.
    double eta = -1.0, frac = -1.0;
    auto consider = [&](double remaining_s, double fraction) {
      if (eta < 0 || remaining_s < eta) {
        eta = std::max(0.0, remaining_s);
        frac = std::min(1.0, fraction);
      }
    };
    if (train_.max_iters > 0) {
      const double left = static_cast<double>(train_.max_iters - progress_.iteration);
      const double total = static_cast<double>(train_.max_iters - iters_at_start);
      consider(left * iter_time_ema, total > 0 ? 1.0 - left / total : 1.0);
    }
    if (train_.max_epochs > 0) {
      const double left =
          (static_cast<double>(train_.max_epochs) - ev.epoch) * static_cast<double>(per_epoch);
      const double total = left + static_cast<double>(progress_.iteration - iters_at_start);
      consider(left * iter_time_ema, total > 0 ? 1.0 - left / total : 1.0);
    }
    if (train_.max_seconds > 0)
      consider(train_.max_seconds - elapsed(), elapsed() / train_.max_seconds);
    ev.eta_seconds = eta;
    ev.progress = frac;
    if (observer) observer->on_iteration(ev);

    if (train_.eval_every > 0 && progress_.iteration % train_.eval_every == 0) run_validation();
    if (train_.sample_every > 0 && progress_.iteration % train_.sample_every == 0) {
      take_sample(last_val, observer);
    }
    if (watch_every_ > 0 && progress_.iteration % watch_every_ == 0) watch_unless_done();
    // Kept files: a run ending here reports its output instead (no duplicate file).
    const bool ends_here =
        (train_.max_iters > 0 && progress_.iteration >= train_.max_iters) ||
        (train_.max_epochs > 0 && progress_.epoch >= train_.max_epochs);
    if (train_.checkpoint_every > 0 && progress_.iteration % train_.checkpoint_every == 0 &&
        !(keep_checkpoints_ && ends_here)) {
      checkpoint(false);
    }
  }

  if (val_history_.empty() || val_history_.back().iteration != progress_.iteration)
    run_validation();
  watch_unless_done();
  if (keep_checkpoints_ || last_checkpoint != progress_.iteration) checkpoint(keep_checkpoints_);
  result.iterations = progress_.iteration;
  result.val_loss = last_val;
  return result;
}

}  // namespace cellscope
