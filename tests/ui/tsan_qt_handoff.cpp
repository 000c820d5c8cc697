// Under ThreadSanitizer only (empty otherwise): tells TSan about the synchronisation inside Qt
// that it cannot see in ui_tests. Debian's Qt is not built with TSan, so three hand-overs are
// invisible to it, and every value a worker receives, sends or leaves behind would be reported as
// a race:
// 1. A queued call — posted by one thread into the receiver's event queue under a QMutex inside
//    libQt6Core, taken out by the receiving thread's event loop. Here: a release where our code
//    hands a call to Qt (a signal, or QMetaObject::invokeMethod with a functor; both reached
//    through interposed libQt6Core entry points) and an acquire before Qt delivers any event
//    (QInternal's EventNotifyCallback). One global sync object, so this is coarser than Qt's
//    per-thread queues: it may hide a race that only an unrelated thread's event orders.
//    Qt copies a queued signal's arguments inside QMetaObject::activate, after the release before
//    it, so the release that covers the copies comes when activate returns. A thread about to
//    deliver a queued call therefore first waits (at most a second) until no other thread is
//    inside activate: the call it delivers was posted by one of them, which has then released.
// 2. A thread's end — QThread::wait() returns once the thread's finish() has run, checked under
//    QThread's own QMutex. Here: a release in the ending thread (a direct connection to its
//    QThread::finished, made when it gets its first event) and an acquire on the QThread when an
//    interposed QThread::wait() returns true, so a worker deleted after its thread is joined
//    (joinWorkerThread) is seen to be deleted after everything that thread did.
// 3. A function given to QThreadPool::start — handed to a pooled thread under the pool's QMutex and
//    QWaitCondition. Here: a release before an interposed start() and an acquire in the pooled
//    thread before the function runs (a wrapper made here, read only after that acquire).
// Memory Qt itself allocates or frees for a queued call (the event, copies of its arguments) is
// left out: TSan ignores what uninstrumented libraries do through its interceptors
// (ignore_noninstrumented_modules=1, set below; TSAN_OPTIONS may add to it).
#if defined(__SANITIZE_THREAD__)

#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QEvent>
#include <QMetaObject>
#include <QObject>
#include <QThread>
#include <QThreadPool>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <thread>

namespace {

char queuedCallHandoff;  // the sync object: only its address matters

// Calls to QMetaObject::activate under way in all threads, and in this one (nested emits).
std::atomic<int> activatesUnderWay{0};
thread_local int activatesUnderWayHere = 0;

// Bounded so that a thread held inside a direct slot (the concurrency tests do this on purpose)
// only slows delivery down; after a timeout a copy may be reported, and the note below says why.
void waitUntilNoOtherThreadIsInsideActivate() {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(1);
  while (activatesUnderWay.load(std::memory_order_acquire) > activatesUnderWayHere) {
    if (Clock::now() > deadline) {
      static std::atomic<bool> told{false};
      if (!told.exchange(true))
        std::fprintf(stderr,
                     "tsan_qt_handoff: a thread stayed inside a signal for over a second; a copy "
                     "Qt made of a queued signal's argument may be reported as a race\n");
      return;
    }
    std::this_thread::yield();
  }
}

template <typename Fn>
Fn realQtFunction(const char* mangled) {
  void* symbol = dlvsym(RTLD_NEXT, mangled, "Qt_6");
  if (symbol == nullptr) symbol = dlsym(RTLD_NEXT, mangled);
  if (symbol == nullptr) {
    std::fprintf(stderr, "tsan_qt_handoff: %s not found in libQt6Core\n", mangled);
    std::abort();
  }
  return reinterpret_cast<Fn>(symbol);
}

// Once per thread other than the application's: its end releases on its QThread (see 2.).
void releaseWhenThisThreadEnds() {
  thread_local bool hooked = false;
  if (hooked) return;
  hooked = true;
  QThread* thread = QThread::currentThread();
  if (QCoreApplication::instance() == nullptr || thread == QCoreApplication::instance()->thread())
    return;
  QObject::connect(
      thread, &QThread::finished, thread, [thread] { __tsan_release(thread); },
      Qt::DirectConnection);
}

bool acquireBeforeDelivery(void** receiverEventResult) {
  const auto* event = static_cast<const QEvent*>(receiverEventResult[1]);
  if (event != nullptr && event->type() == QEvent::MetaCall)
    waitUntilNoOtherThreadIsInsideActivate();
  __tsan_acquire(&queuedCallHandoff);
  releaseWhenThisThreadEnds();
  return false;  // deliver the event as usual
}

[[maybe_unused]] const bool registered =
    QInternal::registerCallback(QInternal::EventNotifyCallback, &acquireBeforeDelivery);

}  // namespace

extern "C" const char* __tsan_default_options() {
  return "ignore_noninstrumented_modules=1:history_size=7";
}

// Every signal emitted by moc-generated code (ours, and Qt's own through preemption).
void QMetaObject::activate(QObject* sender, const QMetaObject* meta, int localSignalIndex,
                           void** argv) {
  using Fn = void (*)(QObject*, const QMetaObject*, int, void**);
  static const Fn real = realQtFunction<Fn>("_ZN11QMetaObject8activateEP7QObjectPKS_iPPv");
  struct UnderWay {
    UnderWay() {
      activatesUnderWay.fetch_add(1, std::memory_order_relaxed);
      ++activatesUnderWayHere;
    }
    ~UnderWay() {  // also when a slot throws
      --activatesUnderWayHere;
      __tsan_release(&queuedCallHandoff);  // the argument copies
      activatesUnderWay.fetch_sub(1, std::memory_order_release);
    }
  };
  __tsan_release(&queuedCallHandoff);
  const UnderWay underWay;
  real(sender, meta, localSignalIndex, argv);
}

// QMetaObject::invokeMethod(context, functor, type): the functor is built before this call.
bool QMetaObject::invokeMethodImpl(QObject* object, QtPrivate::QSlotObjectBase* slot,
                                   Qt::ConnectionType type, void* ret) {
  using Fn = bool (*)(QObject*, QtPrivate::QSlotObjectBase*, Qt::ConnectionType, void*);
  static const Fn real = realQtFunction<Fn>(
      "_ZN11QMetaObject16invokeMethodImplEP7QObjectPN9QtPrivate15QSlotObjectBaseEN2Qt14"
      "ConnectionTypeEPv");
  __tsan_release(&queuedCallHandoff);
  return real(object, slot, type, ret);
}

// QThreadPool::start(std::function) (the Train tab's time estimate and watch suggestions).
void QThreadPool::start(std::function<void()> functionToRun, int priority) {
  using Fn = void (*)(QThreadPool*, std::function<void()>, int);
  static const Fn real = realQtFunction<Fn>("_ZN11QThreadPool5startESt8functionIFvvEEi");
  std::function<void()> acquireFirst = [run = std::move(functionToRun)] {
    __tsan_acquire(&queuedCallHandoff);
    run();
  };
  __tsan_release(&queuedCallHandoff);
  real(this, std::move(acquireFirst), priority);
}

// QThread::wait(), and wait(unsigned long) through it: true means the thread has finished.
bool QThread::wait(QDeadlineTimer deadline) {
  using Fn = bool (*)(QThread*, QDeadlineTimer);
  static const Fn real = realQtFunction<Fn>("_ZN7QThread4waitE14QDeadlineTimer");
  const bool finished = real(this, deadline);
  if (finished) __tsan_acquire(this);
  return finished;
}

#endif  // __SANITIZE_THREAD__
