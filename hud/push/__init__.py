"""The push API: another program drives the display and hears the wearer back over a WebSocket.

    protocol.schema.json  the protocol, documented and validated in one JSON Schema
    protocol   the schema loaded, its errors in words      messages  one text frame -> events or a reason
    commands   the card and session commands               throttle  display updates as real glasses pace them
    server     the WebSocket server beside the frame loop  bridge    inbox -> throttle -> session, once a frame
    watch      what the glasses tell clients back          client    `python main.py push` and `send()`
    bench      accepted message rate and push-to-pixel latency
"""
