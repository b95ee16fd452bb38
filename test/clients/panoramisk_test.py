#!/usr/bin/env python3
"""ampd through panoramisk (Debian's python3-panoramisk), used as its documentation shows.

Run by run_client_test.sh, which starts the simulator and ampd and sets AMPD_HOST, AMPD_PORT
and the two users (a monitor and an administrator, each with one type: no Type at login).
Exit 0 pass, 1 fail, 77 skipped (panoramisk cannot be imported).
"""
import asyncio
import os
import sys

try:
    from panoramisk import Manager
except ImportError as error:
    print(f"SKIP: panoramisk cannot be imported ({error}); "
          "apt-get install python3-panoramisk (tools/deps)")
    sys.exit(77)

TIMEOUT = 10  # seconds, for every single wait


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


async def wait(awaitable, what):
    try:
        return await asyncio.wait_for(awaitable, TIMEOUT)
    except asyncio.TimeoutError:
        raise Failure(f"no {what} within {TIMEOUT} s") from None


def as_list(result):
    # send_action resolves to one Message, or a list when the answer was a list.
    return result if isinstance(result, list) else [result]


async def connect(user, secret, **options):
    """Logs in the documented way (Manager + connect + on_login); keeps every event it gets."""
    logged_in = asyncio.get_running_loop().create_future()
    manager = Manager(loop=asyncio.get_running_loop(),
                      host=os.environ['AMPD_HOST'], port=int(os.environ['AMPD_PORT']),
                      username=user, secret=secret,
                      on_login=lambda m: logged_in.done() or logged_in.set_result(True),
                      **options)
    manager.events = []
    manager.register_event('*', lambda m, event: m.events.append(event))
    await wait(manager.connect(), f"connection for {user}")
    await wait(logged_in, f"accepted login for {user} (wrong secret, or no answer)")
    return manager


async def wait_for_event(manager, name, what):
    async def poll():
        while True:
            for event in manager.events:
                if event.event == name:
                    return event
            await asyncio.sleep(0.05)
    return await wait(poll(), what)


def check_user_class_only(manager):
    others = [e.event for e in manager.events if 'user' not in e.privilege.split(',')]
    check(not others, f"the user-class client got events of other classes: {others}")


async def run():
    boss = await connect(os.environ['AMPD_ADMIN_USER'], os.environ['AMPD_ADMIN_SECRET'])
    # The library's events option: Events: user at login, so only user-class events.
    wallboard = await connect(os.environ['AMPD_MONITOR_USER'],
                              os.environ['AMPD_MONITOR_SECRET'], events='user')
    try:
        ping = await wait(boss.send_action({'Action': 'Ping'}), "Ping answer")
        check(ping.success and ping.ping == 'Pong', f"Ping: {ping!r}")
        print("ok: Ping")

        version = await wait(boss.send_command('core show version'), "Command answer")
        output = version.output if isinstance(version.output, list) else [version.output]
        check(version.success and any('Asterisk' in line for line in output),
              f"Command 'core show version' does not mention Asterisk: {version!r}")
        print(f"ok: Command: {output[0]}")

        queues = as_list(await wait(boss.send_action({'Action': 'QueueStatus'}),
                                    "QueueStatus list ending in QueueStatusComplete"))
        names = [m.event for m in queues]
        check(queues[0].success and names[-1] == 'QueueStatusComplete',
              f"QueueStatus did not end in QueueStatusComplete: {queues!r}")
        check('QueueParams' in names, f"QueueStatus has no QueueParams: {names}")
        print(f"ok: QueueStatus: {len(queues)} messages, {names.count('QueueParams')} queues")

        # Call and agent events first: the boss (all events) sees them; the user-class
        # wallboard must not. Asterisk's events reach each client in order, so once the
        # later UserEvent has reached the wallboard, these would have reached it too.
        queued = await wait(boss.send_action({
            'Action': 'Custom', 'CAction': 'SimQueueCall', 'Queue': 'support',
            'Outcome': 'answer', 'Interface': 'Local/100@agents',
            'WaitMs': '10', 'TalkMs': '10'}), "SimQueueCall answer")
        check(queued.success, f"SimQueueCall: {queued!r}")
        await wait_for_event(boss, 'QueueCallerJoin', "QueueCallerJoin at the boss")
        await wait_for_event(boss, 'Newchannel', "Newchannel at the boss")
        # Through ampd the sender gets its own UserEvent (it carries the sender's ActionID)
        # before the Response, so panoramisk resolves this with the event: both succeed.
        sent = await wait(boss.send_action({
            'Action': 'UserEvent', 'UserEvent': 'AmpdClientTest', 'Library': 'panoramisk'}),
            "UserEvent answer")
        check(sent.success, f"UserEvent: {sent!r}")
        got = await wait_for_event(wallboard, 'UserEvent', "UserEvent at the user-class client")
        check(got.userevent == 'AmpdClientTest' and got.library == 'panoramisk',
              f"wrong UserEvent: {got!r}")
        check_user_class_only(wallboard)
        print(f"ok: events by class: UserEvent arrived, the boss's {len(boss.events)} "
              "call/agent events did not")

        # Async Originate: the answer, then OriginateResponse with this ActionID; the library
        # gathers both into one list (the answer says 'successfully queued').
        originate = as_list(await wait(boss.send_action({
            'Action': 'Originate', 'Channel': 'Local/100@default',
            'Application': 'Wait', 'Data': '1', 'Async': 'true'}),
            "Originate answer and OriginateResponse"))
        check(originate[0].success, f"Originate: {originate!r}")
        response = [m for m in originate if m.event == 'OriginateResponse']
        check(response and response[0].response == 'Success',
              f"no successful OriginateResponse for this ActionID: {originate!r}")
        print(f"ok: async Originate: OriginateResponse {response[0].channel} "
              f"(ActionID {response[0].actionid})")
        # The queue call's later events and the Originate's have come by now: still none.
        check_user_class_only(wallboard)
    finally:
        boss.close()
        wallboard.close()


def main():
    try:
        asyncio.run(run())
    except Failure as failure:
        print(f"FAIL: {failure}")
        return 1
    print("panoramisk: all checks passed")
    return 0


if __name__ == '__main__':
    sys.exit(main())
