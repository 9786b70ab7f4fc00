// A MentraOS app written as a MentraOS developer writes one, with the real @mentra/sdk (pinned in
// package.json): tests/test_mentra_sdk.py runs it with `node app.mjs` against hud's emulated cloud.
//
// What it does (the script the test follows):
//   session start              -> text wall "Hello from a MentraOS app"
//   single_tap                 -> reference card "Tapped" / "tap number N"
//   final transcription        -> text wall "Heard: <text>"
//   final transcription naming "bitmap" -> the bitmap assets/arrow.bmp (526x100, 24-bit; the SDK pads
//                                 it to 576x135 and makes it 1-bit)
// Every event it hears is written to stdout as one JSON line {"heard": ...}, and every display it
// sends as {"shown": ...}, so the test can check the round trip. The SDK's own log lines are text.
//
// Environment: PORT (default 7010), PACKAGE_NAME (default com.hud.conformance), MENTRAOS_API_KEY
// (hud's cloud accepts any key; the default is a placeholder).

import path from "node:path";
import { fileURLToPath } from "node:url";

import { AppServer, BitmapUtils } from "@mentra/sdk";

const PORT = Number.parseInt(process.env.PORT ?? "7010", 10);
const PACKAGE_NAME = process.env.PACKAGE_NAME ?? "com.hud.conformance";
const MENTRAOS_API_KEY = process.env.MENTRAOS_API_KEY ?? "conformance-placeholder-key";
const ARROW_BMP = path.join(path.dirname(fileURLToPath(import.meta.url)), "assets", "arrow.bmp");

function report(record) {
  console.log(JSON.stringify(record));
}

class ConformanceApp extends AppServer {
  async onSession(session, sessionId, userId) {
    report({ heard: "session", sessionId, userId });
    let taps = 0;

    session.events.onTouchEvent((data) => {
      report({ heard: "touch_event", gesture_name: data.gesture_name });
      if (data.gesture_name === "single_tap") {
        taps += 1;
        session.layouts.showReferenceCard("Tapped", `tap number ${taps}`);
        report({ shown: "reference_card", title: "Tapped", text: `tap number ${taps}` });
      }
    });

    session.events.onTranscription(async (data) => {
      report({ heard: "transcription", text: data.text, isFinal: data.isFinal });
      if (!data.isFinal) return;
      if (/\bbitmap\b/i.test(data.text)) {
        await session.layouts.showBitmapView(await BitmapUtils.fileToBase64(ARROW_BMP));
        report({ shown: "bitmap_view", file: path.basename(ARROW_BMP) });
      } else {
        session.layouts.showTextWall(`Heard: ${data.text}`);
        report({ shown: "text_wall", text: `Heard: ${data.text}` });
      }
    });

    session.events.onButtonPress((data) => {
      report({ heard: "button_press", buttonId: data.buttonId, pressType: data.pressType });
    });

    session.layouts.showTextWall("Hello from a MentraOS app");
    report({ shown: "text_wall", text: "Hello from a MentraOS app" });
  }

  async onStop(sessionId, userId, reason) {
    report({ heard: "stop", sessionId, reason });
    await super.onStop(sessionId, userId, reason);
  }
}

const app = new ConformanceApp({ packageName: PACKAGE_NAME, apiKey: MENTRAOS_API_KEY, port: PORT });
app.start().catch((error) => {
  console.error("failed to start:", error);
  process.exit(1);
});
