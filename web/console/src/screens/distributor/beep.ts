/**
 * A short beep for each new label read, made with WebAudio (no sound file to fetch): a clerk
 * scanning a pile hears each read without looking at the screen. The audio context is made
 * on the first user gesture (the start button), as browsers require.
 */
export const createBeeper = () => {
  const Context = window.AudioContext as typeof AudioContext | undefined;
  const context = Context === undefined ? undefined : new Context();
  return {
    beep(): void {
      if (context === undefined) return;
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = 1760;
      gain.gain.value = 0.15;
      oscillator.connect(gain).connect(context.destination);
      oscillator.start();
      oscillator.stop(context.currentTime + 0.08);
    },
    close(): void {
      void context?.close();
    },
  };
};
