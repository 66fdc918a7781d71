// overlay-ipam: runs the command line in OverlayIPAMCommands and exits with its status.

import Glibc
import OverlayIPAMCommands

exit(await OverlayIPAM.run(arguments: Array(CommandLine.arguments.dropFirst()), context: .process()))
