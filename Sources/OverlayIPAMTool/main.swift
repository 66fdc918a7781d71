// overlay-ipam: runs the command line in OverlayIPAMCommands and exits with its status.

import Foundation
import OverlayIPAMCommands

exit(await OverlayIPAM.run(arguments: Array(CommandLine.arguments.dropFirst()), context: .process()))
