"""Speech: a text-to-speech port (espeak-ng behind it) and an audio output port (ALSA, or a recording).

The core's voice guide (kiosk/voice_guide.py) decides what to say, when, how loud and how fast; this
package only turns text into samples and samples into sound.
"""

from drivers.speech.engine import (
    ENGINE_MAX_WPM,
    ENGINE_MIN_WPM,
    VOICES,
    EngineMissing,
    EspeakNg,
    SpeechEngine,
    SpeechFault,
    VoiceMissing,
)
from drivers.speech.output import AlsaOutput, AudioFault, AudioOutput, Played, RecordingOutput, Spoken
from drivers.speech.pcm import Pcm, WavError, apply_gain, parse_wav, rms, rms_dbfs, to_wav

__all__ = [
    "ENGINE_MAX_WPM", "ENGINE_MIN_WPM", "VOICES", "AlsaOutput", "AudioFault", "AudioOutput", "EngineMissing",
    "EspeakNg", "Pcm", "Played", "RecordingOutput", "SpeechEngine", "SpeechFault", "Spoken", "VoiceMissing", "WavError",
    "apply_gain", "parse_wav", "rms", "rms_dbfs", "to_wav",
]
