// Under ThreadSanitizer only (empty otherwise): tells TSan about the synchronisation inside Qt
// that it cannot see in ui_tests. Debian's Qt is not built with TSan, so two hand-overs are
// invisible to it, and every value a worker receives, sends or leaves behind would be reported as
// a race:
// 1. A queued call — posted by one thread into the receiver's event queue under a QMutex inside
//    libQt6Core, taken out by the receiving thread's event loop. Here: a release where our code
//    hands a call to Qt (a signal, or QMetaObject::invokeMethod with a functor; both reached
//    through interposed libQt6Core entry points) and an acquire before Qt delivers any event
//    (QInternal's EventNotifyCallback). One global sync object, so this is coarser than Qt's
//    per-thread queues: it may hide a race that only an unrelated thread's event orders.
// 2. A thread's end — QThread::wait() returns once the thread's finish() has run, checked under
//    QThread's own QMutex. Here: a release in the ending thread (a direct connection to its
//    QThread::finished, made when it gets its first event) and an acquire on the QThread when an
//    interposed QThread::wait() returns true, so a worker deleted after its thread is joined
//    (joinWorkerThread) is seen to be deleted after everything that thread did.
// Memory Qt itself allocates or frees for a queued call (the event, copies of its arguments) is
// left out: TSan ignores what uninstrumented libraries do through its interceptors
// (ignore_noninstrumented_modules=1, set below; TSAN_OPTIONS may add to it).
#if defined(__SANITIZE_THREAD__)

#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QMetaObject>
#include <QObject>
#include <QThread>
#include <cstdio>
#include <cstdlib>

namespace {

char queuedCallHandoff;  // the sync object: only its address matters

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

bool acquireBeforeDelivery(void**) {
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
  __tsan_release(&queuedCallHandoff);
  real(sender, meta, localSignalIndex, argv);
  __tsan_release(&queuedCallHandoff);  // the argument copies, unless the receiver was quicker
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

// QThread::wait(), and wait(unsigned long) through it: true means the thread has finished.
bool QThread::wait(QDeadlineTimer deadline) {
  using Fn = bool (*)(QThread*, QDeadlineTimer);
  static const Fn real = realQtFunction<Fn>("_ZN7QThread4waitE14QDeadlineTimer");
  const bool finished = real(this, deadline);
  if (finished) __tsan_acquire(this);
  return finished;
}

#endif  // __SANITIZE_THREAD__
