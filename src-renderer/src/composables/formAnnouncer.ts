import { inject, nextTick, onUnmounted, provide, ref, type InjectionKey, type Ref } from 'vue'
import { i18n } from '../i18n'
import { focusFirstError } from './focusFirstError'

/** What a candidate form's live region says: one field's message, or how many fields need attention. */
type Said = { message: string } | { count: number }

/**
 * The one voice of a candidate form. Its field messages are no live alerts each (an empty 注册 had a
 * screen reader read eight at once); each is tied to its field (FormItem) and said when the focus
 * reaches it. This says, politely and once, what the candidate would otherwise not hear: after a
 * refused submit, how many fields need attention (the focus is on the first), and a message that
 * appears under a field the candidate has just left (an instant check), or above the form (FormError)
 * when no refusal took the focus there. It empties once no message is shown (the form is valid
 * again) and when its screen goes: a screen-reader user browsing the form later finds no stale count.
 */
export interface FormAnnouncer {
  /** What FormError's live region (role="status") reads. */
  readonly said: Readonly<Ref<string>>
  /**
   * FormError's live region as it renders, or null once it is gone: the form's panel, where refusals
   * look, is its parent. A new one (重置密码's next step, the form back after 重新办理) starts silent.
   */
  attach(region: Element | null): void
  /** FormItem and FormError: a message appeared, or changed, under a field or above the form. */
  fieldMessage(message: string): void
  /** FormItem and FormError: a message went; once none is left, the voice has nothing more to say. */
  messageGone(): void
  /**
   * 发送验证码 was refused (the form's own check, or main's answer): what it was refused for is said,
   * even when that message was there already (the same wrong number twice) and so changed nothing.
   * `near` is the button; `refusal` gives, once the refusal is shown, its message (the number's, or
   * main's answer in the language shown): said only while the form shows it, under a field or above.
   * Not the message nearest the button: that was the code's, or 姓名's on 注册, when those were
   * wrong too.
   */
  actionRefused(near: Element, refusal: () => string): void
}

const formAnnouncerKey: InjectionKey<FormAnnouncer> = Symbol('formAnnouncer')

const inErrorOf = (root: Element) => [...root.querySelectorAll('.el-form-item.is-error')]

const messageOf = (item: Element) => item.querySelector('.el-form-item__error')?.textContent?.trim() ?? ''

/** Two turns of the event loop: the render a change caused, and what fieldMessage said after it. */
const afterSaid = () => nextTick().then(() => new Promise((resolve) => setTimeout(resolve, 0)))

/**
 * Element Plus shows a field's message 100 ms after the field turns to error: until it is there, the
 * field has nothing to say when the focus reaches it (FormItem ties the message to it as it appears).
 */
function messagesShown(root: Element): Promise<void> {
  const shown = () => inErrorOf(root).every((item) => item.querySelector('.el-form-item__error') !== null)
  if (shown()) return Promise.resolve()
  return new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (shown()) done()
    })
    // A message that never comes (an item with show-message off) holds nothing up for long.
    const timer = setTimeout(done, 1_000)
    function done(): void {
      observer.disconnect()
      clearTimeout(timer)
      resolve()
    }
    observer.observe(root, { childList: true, subtree: true })
  })
}

/** For FormItem and FormError: the voice of the candidate form they are in; null in staff's forms, whose messages are alerts. */
export const injectFormAnnouncer = (): FormAnnouncer | null => inject(formAnnouncerKey, null)

/**
 * Gives the screen's form its voice (FormItem and FormError below find it). `refuse()` is what a
 * refused submit calls: the first field in error takes the focus, and the count is said.
 */
export function useFormAnnouncer(): { refuse: () => Promise<void> } {
  const said = ref('')
  let region: Element | null = null
  /**
   * The last region attached: a render of FormError attaches the same one again. Weakly: held as it
   * was, the region kept the whole detached form alive once a receipt replaced it, and with it what
   * the candidate typed (memory.spec).
   */
  let shownIn: WeakRef<Element> | null = null
  /** Messages shown since the last one was said: several at once (a language switch) are said as their count. */
  const pending: string[] = []
  /** While a refusal is being shown, its messages are said as its count, not each. */
  let refusing = 0
  /** How many times the voice has spoken: an action's refusal that made it speak needs saying no more. */
  let spoken = 0
  /** The text last said, as set (with or without its no-break space), even once the region was emptied since. */
  let lastSaid = ''

  /**
   * In the language shown now: a switch later says again only what is still wrong (FormItem gives its
   * messages anew), never this count of fields the candidate may have put right since. A live region
   * speaks when its text changes, as a screen reader gets it, once per rendered frame: emptied and
   * refilled before one it is unchanged, and the same refusal twice (登录's 验证码不正确 with the focus
   * in the field) was said once. Said again, the text ends in a no-break space, which nobody hears.
   * Again as against what was last said, not what the region holds: a retyped field empties the region
   * (messageGone) and the same refusal may fill it in the same frame, which a screen reader, and CI
   * once, then saw as no change.
   */
  function say(next: Said): void {
    const text =
      'count' in next ? i18n.global.t('common.fieldsNeedAttention', { count: next.count }) : next.message
    said.value = text === lastSaid ? `${text}\u00a0` : text
    lastSaid = said.value
    spoken += 1
  }

  function fieldMessage(message: string): void {
    if (refusing > 0) return
    pending.push(message)
    if (pending.length > 1) return
    // Once the messages that appear together have: after the render that shows them.
    setTimeout(() => {
      const messages = pending.splice(0)
      if (refusing > 0 || messages.length === 0) return
      say(messages.length === 1 ? { message: messages[0]! } : { count: messages.length })
    }, 0)
  }

  function messageGone(): void {
    setTimeout(() => {
      const root = region?.parentElement
      if (!root || refusing > 0 || pending.length > 0) return
      if (inErrorOf(root).length === 0 && root.querySelector('.form-error') === null) said.value = ''
    }, 0)
  }

  async function actionRefused(near: Element, refusal: () => string): Promise<void> {
    const before = spoken
    await afterSaid()
    const root = region?.parentElement
    if (!root?.contains(near) || refusing > 0 || spoken !== before) return
    const message = refusal().trim()
    const shown = [...inErrorOf(root).map(messageOf), root.querySelector('.form-error')?.textContent?.trim()]
    if (message !== '' && shown.includes(message)) say({ message })
  }

  async function refuse(): Promise<void> {
    // The form's panel as it is now: a screen left while the messages are shown is not searched,
    // nor is the one the candidate went to (its fields are not this form's).
    const root = region?.parentElement
    if (!root) return
    refusing += 1
    pending.length = 0
    try {
      const before = document.activeElement
      await nextTick()
      await messagesShown(root)
      await focusFirstError(root)
      if (!root.isConnected) return
      const inError = inErrorOf(root)
      // One field, or none and the form's error (FormError, no alert): the focus that moved to it
      // reads its message; said here only when the focus was there already (a screen reader's browse
      // mode activates 确认 without moving the focus off the error it left there).
      if (inError.length > 1) say({ count: inError.length })
      else if (document.activeElement === before) {
        const message = inError.length === 1 ? messageOf(inError[0]!) : root.querySelector('.form-error')?.textContent?.trim()
        if (message) say({ message })
      }
    } finally {
      refusing -= 1
    }
  }

  provide(formAnnouncerKey, {
    said,
    attach: (element) => {
      region = element
      // What the last region said was about fields gone with it.
      if (element !== null && element !== shownIn?.deref()) {
        shownIn = new WeakRef(element)
        said.value = ''
      }
    },
    fieldMessage,
    messageGone,
    actionRefused: (near, refusal) => void actionRefused(near, refusal),
  })
  // Its screen left: nothing it said is kept.
  onUnmounted(() => {
    said.value = ''
    pending.length = 0
  })
  return { refuse }
}
