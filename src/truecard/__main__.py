from truecard.cli import main

main()
