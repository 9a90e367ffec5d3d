import { ref } from 'vue'
import { useI18n } from 'vue-i18n'
import type SendCodeButton from '../components/SendCodeButton.vue'

/**
 * The hint under an SMS code field, as 发送验证码 stands: 将向 … 发送验证码 while it may be tapped;
 * while it counts down (just sent, or still waiting when the step is come back to), that a code went
 * to the number and when another may be asked for, not an invitation to tap a disabled button.
 * Bind `sendButton` as the button's ref.
 */
export function useSendCodeHint() {
  const { t } = useI18n()
  const sendButton = ref<InstanceType<typeof SendCodeButton> | null>(null)
  function sendHint(target: string): string {
    const seconds = sendButton.value?.waitLeft ?? 0
    return seconds > 0 ? t('common.codeSentTo', { target, seconds }) : t('profile.sendTo', { target })
  }
  return { sendButton, sendHint }
}
